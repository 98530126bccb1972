import { DEFAULT_POLICY, type Grade, type Policy } from './policy';

/**
 * Price = tag price × discount. Amounts are integer fen; a discount is in basis points of the
 * tag price (1170 = 11.70%). Rounding rule for derived prices: half up to the whole fen.
 */
export function priceFromDiscount(tagPriceFen: number, discountBp: number): number {
	return Math.floor((tagPriceFen * discountBp + 5000) / 10000);
}

/** The discount a price represents, in basis points, rounded half up. */
export function discountBp(tagPriceFen: number, unitPriceFen: number): number {
	return Math.floor((unitPriceFen * 10000 * 2 + tagPriceFen) / (2 * tagPriceFen));
}

export interface BandCheck {
	ok: boolean;
	band: { minBp: number; maxBp: number };
	/** Lowest and highest unit price in the band for this tag price, in fen. */
	minPriceFen: number;
	maxPriceFen: number;
}

/**
 * Whether a price sits in its grade's band, compared exactly in integers:
 * min ≤ price/tag ≤ max  ⇔  min·tag ≤ price·10000 ≤ max·tag.
 */
export function checkBand(
	grade: Grade,
	tagPriceFen: number,
	unitPriceFen: number,
	policy: Policy = DEFAULT_POLICY
): BandCheck {
	const band = policy.pricing.bands[grade];
	const scaled = unitPriceFen * 10000;
	return {
		ok: scaled >= band.minBp * tagPriceFen && scaled <= band.maxBp * tagPriceFen,
		band,
		minPriceFen: Math.ceil((band.minBp * tagPriceFen) / 10000),
		maxPriceFen: Math.floor((band.maxBp * tagPriceFen) / 10000)
	};
}

export type Scenario = 'export' | 'stall' | 'live_special';

/** Share of large sizes in a size breakdown, in basis points (0 for an empty breakdown). */
export function largeSizeBp(
	sizes: Record<string, number>,
	policy: Policy = DEFAULT_POLICY
): number {
	const large = new Set(policy.scenarios.largeSizes.map((s) => s.toUpperCase()));
	let total = 0;
	let big = 0;
	for (const [size, n] of Object.entries(sizes)) {
		if (!Number.isFinite(n) || n <= 0) continue;
		total += n;
		if (large.has(size.trim().toUpperCase())) big += n;
	}
	return total === 0 ? 0 : Math.floor((big * 10000) / total);
}

/** Scenario tags are derived from the lot, never typed by hand. */
export function deriveScenarios(
	lot: {
		grade: Grade;
		unitPriceFen: number;
		sizeBreakdown: Record<string, number>;
		hasDefectVideo: boolean;
		talkingPoints: string;
	},
	policy: Policy = DEFAULT_POLICY
): Scenario[] {
	const out: Scenario[] = [];
	if (largeSizeBp(lot.sizeBreakdown, policy) >= policy.scenarios.exportLargeSizeMinBp)
		out.push('export');
	if (lot.grade === 'C' && lot.unitPriceFen < policy.scenarios.stallMaxPriceFen) out.push('stall');
	if (lot.hasDefectVideo && lot.talkingPoints.trim().length > 0) out.push('live_special');
	return out;
}

export const SIZE_PROFILES = ['large', 'standard', 'kids', 'shoes', 'one_size', 'none'] as const;
export type SizeProfile = (typeof SIZE_PROFILES)[number];

const ONE_SIZE = new Set(['均码', 'F', 'FREE', 'ONE', 'ONESIZE', 'OS']);

/**
 * What kind of sizes a lot comes in, derived from its size breakdown (buyers filter by it):
 * `one_size` (均码), `shoes` (EU 30–50), `kids` (heights 50–170 cm), `large` (apparel where
 * large sizes reach `largeProfileMinBp`), else `standard`; `none` without any pieces.
 */
export function sizeProfile(
	sizes: Record<string, number>,
	policy: Policy = DEFAULT_POLICY
): SizeProfile {
	const keys = Object.entries(sizes)
		.filter(([, n]) => Number.isFinite(n) && n > 0)
		.map(([k]) => k.trim().toUpperCase());
	if (keys.length === 0) return 'none';
	if (keys.every((k) => ONE_SIZE.has(k.replace(/\s+/g, '')))) return 'one_size';
	const nums = keys.map((k) => (/^\d+(\.5)?$/.test(k) ? Number(k) : NaN));
	if (nums.every((n) => !Number.isNaN(n))) {
		if (nums.every((n) => n >= 30 && n <= 50)) return 'shoes';
		if (nums.every((n) => n >= 50 && n <= 170)) return 'kids';
	}
	return largeSizeBp(sizes, policy) >= policy.catalog.largeProfileMinBp ? 'large' : 'standard';
}

/** Everything derived from a lot at each write: never typed by hand. */
export function deriveLotFields(
	lot: {
		grade: Grade;
		unitPriceFen: number;
		sizeBreakdown: Record<string, number>;
		hasDefectVideo: boolean;
		talkingPoints: string;
	},
	policy: Policy = DEFAULT_POLICY
): { scenarios: Scenario[]; largeSizeBp: number; sizeProfile: SizeProfile } {
	return {
		scenarios: deriveScenarios(lot, policy),
		largeSizeBp: largeSizeBp(lot.sizeBreakdown, policy),
		sizeProfile: sizeProfile(lot.sizeBreakdown, policy)
	};
}
