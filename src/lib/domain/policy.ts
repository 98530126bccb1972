/**
 * Every business number in one typed object. Defaults come from DOMAIN.md; an operator can
 * override them in settings (stored as a partial policy), never by editing constants elsewhere.
 */
import { DEFAULT_TRADE_POLICY, type TradePolicy } from './trade/policy';

export type Grade = 'A' | 'B' | 'C';

export interface Policy {
	/** The wholesale marketplace's numbers (cart, timers, inspection, samples, disputes, credit). */
	trade: TradePolicy;
	pricing: {
		/** Unit price as basis points of tag price, inclusive bounds, per grade. */
		bands: Record<Grade, { minBp: number; maxBp: number }>;
	};
	scenarios: {
		/** `export`: share of large sizes at or above this, in basis points. */
		exportLargeSizeMinBp: number;
		/** Sizes counted as large for `export`. */
		largeSizes: string[];
		/** `stall`: grade C and unit price strictly under this (fen). */
		stallMaxPriceFen: number;
	};
	live: {
		/** A lock expires this long after it was taken or last extended, unless the show ends first. */
		lockTtlMinutes: number;
		/** Largest single lock request, in units. */
		maxLockQuantity: number;
		/** Warn in the live console when a slot's locked units left fall to this or below. */
		lowStockUnits: number;
		/** How often the background job releases expired locks, in seconds. */
		expirySweepSeconds: number;
		/** How long a lock request's Idempotency-Key is remembered (its retry gets the same lock). */
		idempotencyKeyHours: number;
	};
	money: {
		/** Platform fee on each settled sale, basis points of the net sale price. */
		platformFeeBp: number;
		/** Host commission band (DOMAIN: 15–20% of the sale price), basis points. */
		commissionMinBp: number;
		commissionMaxBp: number;
		/** Default host commission when neither the lot nor a show deal says otherwise. */
		defaultCommissionBp: number;
		/** How often the settlement job looks for sale lines whose return window has passed. */
		settleEveryMinutes: number;
		/** Sale lines settled per database transaction (one set-based statement each). */
		settleBatchSize: number;
		/** Settlement batches in flight at once (each claims its own lines with SKIP LOCKED). */
		settleWorkers: number;
	};
	catalog: {
		/** `sales_7d` counts sales in this many days. */
		salesWindowDays: number;
		/** Repurchase rate looks at sales in this many days. */
		repurchaseWindowDays: number;
		/**
		 * The repurchase sort ranks by the Wilson lower bound of the rate at this confidence (z;
		 * 1.96 ≈ 95%), so 100% of 3 buyers does not outrank 71% of 312.
		 */
		repurchaseConfidenceZ: number;
		/**
		 * How often the stats job rolls the windows forward and takes in sales recorded since its
		 * last run (order batches do not write `sales_7d` themselves), in minutes.
		 */
		statsRefreshMinutes: number;
		/** Size profile `large`: share of large sizes at or above this (basis points). */
		largeProfileMinBp: number;
		pageSize: number;
		maxPageSize: number;
		/** Rows one import may hold. */
		importMaxRows: number;
		photoMaxBytes: number;
		videoMaxBytes: number;
		photosPerLot: number;
	};
	orders: {
		/** Lines beyond the show's locks may draw free stock (atomically) instead of being refused. */
		allowFreeStock: boolean;
		returnWindowDays: number;
		acceptSlaHours: number;
		shipSlaHours: number;
		replacementDueHours: number;
		severeDefectMinPieces: number;
		maxLinesPerOrder: number;
		maxQuantityPerLine: number;
	};
	auth: {
		sessionDays: number;
		/** A session is extended when less than this many days remain. */
		sessionRenewWithinDays: number;
		invitationDays: number;
		passwordMinLength: number;
	};
}

export const DEFAULT_POLICY: Policy = {
	trade: DEFAULT_TRADE_POLICY,
	pricing: {
		bands: {
			A: { minBp: 1500, maxBp: 2000 },
			B: { minBp: 1000, maxBp: 1500 },
			C: { minBp: 500, maxBp: 1000 }
		}
	},
	scenarios: {
		exportLargeSizeMinBp: 8000,
		largeSizes: ['XL', 'XXL', '2XL', 'XXXL', '3XL', '4XL', '5XL', '6XL'],
		stallMaxPriceFen: 1000
	},
	live: {
		lockTtlMinutes: 240,
		maxLockQuantity: 1_000_000,
		lowStockUnits: 20,
		expirySweepSeconds: 15,
		idempotencyKeyHours: 24
	},
	money: {
		platformFeeBp: 300,
		commissionMinBp: 1500,
		commissionMaxBp: 2000,
		defaultCommissionBp: 1500,
		settleEveryMinutes: 5,
		settleBatchSize: 2000,
		settleWorkers: 2
	},
	catalog: {
		salesWindowDays: 7,
		repurchaseWindowDays: 365,
		repurchaseConfidenceZ: 1.96,
		statsRefreshMinutes: 1,
		largeProfileMinBp: 5000,
		pageSize: 24,
		maxPageSize: 100,
		importMaxRows: 20000,
		photoMaxBytes: 10 * 1024 * 1024,
		videoMaxBytes: 50 * 1024 * 1024,
		photosPerLot: 9
	},
	orders: {
		allowFreeStock: false,
		returnWindowDays: 7,
		acceptSlaHours: 2,
		shipSlaHours: 48,
		replacementDueHours: 24,
		severeDefectMinPieces: 3,
		maxLinesPerOrder: 50,
		maxQuantityPerLine: 10000
	},
	auth: {
		sessionDays: 30,
		sessionRenewWithinDays: 15,
		invitationDays: 7,
		passwordMinLength: 8
	}
};

type DeepPartial<T> = {
	[K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type PolicyOverrides = DeepPartial<Policy>;

const isPlain = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges operator overrides over the defaults, at any depth (a new nested field such as a
 * per-grade table needs no change here). Keys the defaults do not have, and values of another
 * kind than the default's (an object for a number, a string for a boolean), are ignored: an
 * override stored under an older shape of the policy never breaks the one in force.
 */
export function resolvePolicy(
	overrides: PolicyOverrides = {},
	base: Policy = DEFAULT_POLICY
): Policy {
	const out = structuredClone(base) as unknown as Record<string, unknown>;
	return mergeInto(out, overrides) as unknown as Policy;
}

function mergeInto(target: Record<string, unknown>, over: unknown): Record<string, unknown> {
	if (!isPlain(over)) return target;
	for (const [k, v] of Object.entries(over)) {
		if (v === undefined || !Object.hasOwn(target, k)) continue;
		const cur = target[k];
		if (isPlain(cur)) mergeInto(cur, v);
		else if (Array.isArray(cur)) {
			if (Array.isArray(v)) target[k] = structuredClone(v);
		} else if (typeof v === typeof cur) target[k] = v;
	}
	return target;
}

/** One difference between two policies: the dotted path of a leaf and both values. */
export interface PolicyChange {
	path: string;
	from: unknown;
	to: unknown;
}

/** Every leaf that differs (arrays compared whole), in the policy's own key order. */
export function diffPolicy(before: Policy, after: Policy): PolicyChange[] {
	const out: PolicyChange[] = [];
	const walk = (a: unknown, b: unknown, path: string) => {
		if (isPlain(a) && isPlain(b)) {
			for (const k of Object.keys(a)) walk(a[k], b[k], path ? `${path}.${k}` : k);
		} else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, from: a, to: b });
	};
	walk(before, after, '');
	return out;
}

/** The overrides that turn `DEFAULT_POLICY` (or `base`) into `policy`: only the leaves that differ. */
export function overridesOf(policy: Policy, base: Policy = DEFAULT_POLICY): PolicyOverrides {
	const out: Record<string, unknown> = {};
	for (const { path, to } of diffPolicy(base, policy)) {
		const keys = path.split('.');
		let at = out;
		for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
		at[keys.at(-1)!] = to;
	}
	return out as PolicyOverrides;
}

/** A rule between fields that a per-field bound cannot say; `message` is a catalogue key. */
export interface PolicyProblem {
	field: string;
	message: string;
	params?: Record<string, string | number>;
}

const GRADES: Grade[] = ['A', 'B', 'C'];

/**
 * The rules that tie fields together: each grade band has min ≤ max and no two bands overlap
 * (touching ends, as A 15–20% and B 10–15%, is allowed: the bounds are inclusive and a price at
 * 15% fits both); the host commission range has min ≤ default ≤ max. Empty: consistent.
 */
export function policyProblems(p: Policy): PolicyProblem[] {
	const out: PolicyProblem[] = [];
	const bands = p.pricing.bands;
	for (const g of GRADES) {
		if (bands[g].minBp > bands[g].maxBp)
			out.push({ field: `pricing.bands.${g}.maxBp`, message: 'policy.err.band_min_max' });
	}
	for (const [i, g] of GRADES.entries()) {
		for (const h of GRADES.slice(i + 1)) {
			const a = bands[g];
			const b = bands[h];
			if (a.minBp < b.maxBp && b.minBp < a.maxBp)
				out.push({
					field: `pricing.bands.${h}.maxBp`,
					message: 'policy.err.band_overlap',
					params: { a: g, b: h }
				});
		}
	}
	const m = p.money;
	if (m.commissionMinBp > m.commissionMaxBp)
		out.push({ field: 'money.commissionMaxBp', message: 'policy.err.commission_min_max' });
	else if (m.defaultCommissionBp < m.commissionMinBp || m.defaultCommissionBp > m.commissionMaxBp)
		out.push({ field: 'money.defaultCommissionBp', message: 'policy.err.commission_default' });
	if (p.auth.sessionRenewWithinDays > p.auth.sessionDays)
		out.push({ field: 'auth.sessionRenewWithinDays', message: 'policy.err.renew_within' });
	if (p.catalog.pageSize > p.catalog.maxPageSize)
		out.push({ field: 'catalog.pageSize', message: 'policy.err.page_size' });
	return out;
}
