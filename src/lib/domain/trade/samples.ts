/**
 * Samples and tagged reference samples (拿样 / 封样, issue 19). Pure rules: what a supplier may
 * offer, what a buyer may request, the sample request's states and timers, the platform tag
 * numbers, the sealed reference, and when the sample fee is credited against a bulk order.
 */
import type { Grade } from '../policy';
import { addDays, addHours, addMinutes, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';

export interface LotSampleSettings {
	enabled: boolean;
	/** Price per sample piece. */
	priceFen: number;
	/** Most pieces a buyer may take (within the policy's 3–5). */
	piecesMax: number;
}

export interface SampleError {
	code:
		| 'samples_disabled'
		| 'pieces'
		| 'price'
		| 'open_request'
		| 'other_lot'
		| 'other_buyer'
		| 'not_approved'
		| 'expired'
		| 'below_moq'
		| 'credit_used';
	field: string;
	params: Record<string, number | string>;
}

/** Defaults a supplier starts from when enabling samples on a lot. */
export function defaultSampleSettings(
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): LotSampleSettings {
	return {
		enabled: true,
		priceFen: policy.samples.defaultPriceFen,
		piecesMax: policy.samples.maxPieces
	};
}

/** A supplier's sample settings for a lot: price from ¥0.01 to the policy's maximum, pieces in 3–5. */
export function validateSampleSettings(
	s: LotSampleSettings,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): SampleError[] {
	const out: SampleError[] = [];
	const p = policy.samples;
	if (!Number.isSafeInteger(s.priceFen) || s.priceFen < 1 || s.priceFen > p.maxPriceFen) {
		out.push({ code: 'price', field: 'priceFen', params: { minimum: 1, maximum: p.maxPriceFen } });
	}
	if (
		!Number.isSafeInteger(s.piecesMax) ||
		s.piecesMax < p.minPieces ||
		s.piecesMax > p.maxPieces
	) {
		out.push({
			code: 'pieces',
			field: 'piecesMax',
			params: { minimum: p.minPieces, maximum: p.maxPieces }
		});
	}
	return out;
}

/**
 * A buyer's sample request: the lot must offer samples, pieces within policy minimum and the
 * lot's maximum, and no other open request of this buyer for the lot. Returns the fee.
 */
export function checkSampleRequest(
	lot: { samples: LotSampleSettings | null },
	pieces: number,
	openRequestForLot: boolean,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { ok: true; feeFen: number } | { ok: false; error: SampleError } {
	const s = lot.samples;
	if (!s || !s.enabled)
		return { ok: false, error: { code: 'samples_disabled', field: 'lotId', params: {} } };
	const max = Math.min(s.piecesMax, policy.samples.maxPieces);
	if (!Number.isSafeInteger(pieces) || pieces < policy.samples.minPieces || pieces > max) {
		return {
			ok: false,
			error: {
				code: 'pieces',
				field: 'pieces',
				params: { minimum: policy.samples.minPieces, maximum: max }
			}
		};
	}
	if (openRequestForLot)
		return { ok: false, error: { code: 'open_request', field: 'lotId', params: {} } };
	return { ok: true, feeFen: s.priceFen * pieces };
}

// ------------------------------------------------------------------------ states and timers

export const SAMPLE_STATES = [
	'pending_payment',
	'paid',
	'shipped',
	'delivered',
	'approved',
	'auto_approved',
	'rejected',
	'cancelled_unpaid',
	'refunded'
] as const;
export type SampleState = (typeof SAMPLE_STATES)[number];

export type SampleAction =
	| 'pay'
	| 'expire_unpaid'
	| 'ship'
	| 'ship_sla_missed'
	| 'deliver'
	| 'approve'
	| 'reject'
	| 'review_lapsed';
export type SampleActor = 'buyer' | 'supplier' | 'carrier' | 'operator' | 'system';

export interface SampleClock {
	state: SampleState;
	createdAt: Date;
	paidAt: Date | null;
	deliveredAt: Date | null;
	/** Tags issued for the pieces (the supplier must attach them before shipping). */
	tags: number;
	pieces: number;
}

export function sampleDeadlines(
	s: Pick<SampleClock, 'createdAt' | 'paidAt' | 'deliveredAt'>,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { unpaid: Date; ship: Date | null; review: Date | null } {
	return {
		unpaid: addMinutes(s.createdAt, policy.orders.unpaidReleaseMinutes),
		ship: s.paidAt ? addDays(s.paidAt, policy.samples.shipSlaDays) : null,
		review: s.deliveredAt ? addHours(s.deliveredAt, policy.samples.reviewWindowHours) : null
	};
}

type SampleTimer = 'unpaid' | 'ship' | 'review';
const SAMPLE_RULES: Record<
	SampleAction,
	{
		from: SampleState[];
		to: SampleState;
		actors: SampleActor[];
		clock?: [SampleTimer, 'before' | 'after'];
	}
> = {
	pay: {
		from: ['pending_payment'],
		to: 'paid',
		actors: ['system', 'operator'],
		clock: ['unpaid', 'before']
	},
	expire_unpaid: {
		from: ['pending_payment'],
		to: 'cancelled_unpaid',
		actors: ['system'],
		clock: ['unpaid', 'after']
	},
	ship: { from: ['paid'], to: 'shipped', actors: ['supplier'], clock: ['ship', 'before'] },
	ship_sla_missed: { from: ['paid'], to: 'refunded', actors: ['system'], clock: ['ship', 'after'] },
	deliver: { from: ['shipped'], to: 'delivered', actors: ['buyer', 'carrier', 'operator'] },
	approve: { from: ['delivered'], to: 'approved', actors: ['buyer'], clock: ['review', 'before'] },
	reject: { from: ['delivered'], to: 'rejected', actors: ['buyer'], clock: ['review', 'before'] },
	review_lapsed: {
		from: ['delivered'],
		to: 'auto_approved',
		actors: ['system'],
		clock: ['review', 'after']
	}
};

/**
 * The sample request's next state, or why not. Shipping needs a tag for every piece. Money:
 * pay → fee into escrow; ship SLA missed → refund; approved or review lapsed → fee released to
 * the supplier; rejected → the fee is still the supplier's (the samples were sent as offered)
 * and no credit arises.
 */
export function nextSample(
	s: SampleClock,
	action: SampleAction,
	actor: SampleActor,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
):
	| { ok: true; to: SampleState; money: 'none' | 'escrow_in' | 'refund' | 'release' }
	| {
			ok: false;
			reason: 'illegal' | 'wrong_actor' | 'deadline_passed' | 'too_early' | 'untagged';
	  } {
	const r = SAMPLE_RULES[action];
	if (!r.from.includes(s.state)) return { ok: false, reason: 'illegal' };
	if (!r.actors.includes(actor)) return { ok: false, reason: 'wrong_actor' };
	if (r.clock) {
		const d = sampleDeadlines(s, policy)[r.clock[0]];
		if (!d) return { ok: false, reason: 'illegal' };
		const passed = now.getTime() >= d.getTime();
		if (r.clock[1] === 'before' && passed) return { ok: false, reason: 'deadline_passed' };
		if (r.clock[1] === 'after' && !passed) return { ok: false, reason: 'too_early' };
	}
	if (action === 'ship' && s.tags < s.pieces) return { ok: false, reason: 'untagged' };
	const money =
		r.to === 'paid'
			? 'escrow_in'
			: r.to === 'refunded'
				? 'refund'
				: r.to === 'approved' || r.to === 'auto_approved' || r.to === 'rejected'
					? 'release'
					: 'none';
	return { ok: true, to: r.to, money };
}

/** The timeout the job applies at `now`, if one is due. */
export function sampleDue(
	s: SampleClock,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): SampleAction | null {
	const d = sampleDeadlines(s, policy);
	const past = (x: Date | null) => x !== null && now.getTime() >= x.getTime();
	if (s.state === 'pending_payment' && past(d.unpaid)) return 'expire_unpaid';
	if (s.state === 'paid' && past(d.ship)) return 'ship_sla_missed';
	if (s.state === 'delivered' && past(d.review)) return 'review_lapsed';
	return null;
}

// ---------------------------------------------------------------------------- tag numbers

/**
 * Platform tag numbers (平台专属标签): `YP` + 9 digits of the sequence + a Luhn check digit, so a
 * mistyped number in a dispute or a scanned label is caught. Fits Code 128 and QR.
 */
export function formatTagNumber(seq: number): string {
	if (!Number.isSafeInteger(seq) || seq < 1 || seq > 999_999_999)
		throw new RangeError(`bad tag ${seq}`);
	const digits = String(seq).padStart(9, '0');
	return `YP${digits}${luhnDigit(digits)}`;
}

export function parseTagNumber(text: string): number | null {
	const m = /^YP(\d{9})(\d)$/.exec(
		text
			.trim()
			.toUpperCase()
			.replace(/[\s#-]/g, '')
	);
	if (!m || luhnDigit(m[1]!) !== Number(m[2])) return null;
	const seq = Number(m[1]);
	return seq >= 1 ? seq : null;
}

function luhnDigit(digits: string): number {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 0) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return (10 - (sum % 10)) % 10;
}

// ---------------------------------------------------------------------- sealed reference

export interface SealedReference {
	sampleId: string;
	lotId: string;
	tags: readonly string[];
	photos: readonly string[];
	grade: Grade;
	spec: Readonly<Record<string, string>>;
	title: string;
	sealedAt: string;
}

/**
 * Seals the reference at approval: a copy of the lot's spec and grade as they were, the tag
 * numbers and photos, frozen so later edits of the lot cannot change it.
 */
export function sealReference(input: {
	sampleId: string;
	lotId: string;
	tagSeqs: readonly number[];
	photos: readonly string[];
	lot: { title: string; grade: Grade; attributes: Record<string, string> };
	at: Date;
}): SealedReference {
	const ref: SealedReference = {
		sampleId: input.sampleId,
		lotId: input.lotId,
		tags: Object.freeze([...input.tagSeqs].sort((a, b) => a - b).map(formatTagNumber)),
		photos: Object.freeze([...input.photos]),
		grade: input.lot.grade,
		spec: Object.freeze({ ...input.lot.attributes }),
		title: input.lot.title,
		sealedAt: input.at.toISOString()
	};
	return Object.freeze(ref);
}

/** The packing list's line for a bulk order carrying a sealed reference (i18n key + params). */
export function packingListReference(ref: Pick<SealedReference, 'tags'>): {
	key: 'trade.packing.sealed_sample';
	params: { tags: string };
} {
	return {
		key: 'trade.packing.sealed_sample',
		params: { tags: ref.tags.map((t) => `#${t}`).join(', ') }
	};
}

// ----------------------------------------------------------------------------- the credit

export interface SampleForCredit {
	sampleId: string;
	buyerOrgId: string;
	lotId: string;
	state: SampleState;
	feeFen: number;
	/** When the reference was sealed (approval or lapsed review): the validity counts from it. */
	approvedAt: Date | null;
	/** The bulk order the credit went to, once used. */
	creditUsedBy: string | null;
}

/** Until when a sample's fee can be credited (null if it never can). */
export function creditExpiresAt(
	s: Pick<SampleForCredit, 'approvedAt'>,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): Date | null {
	return s.approvedAt ? addDays(s.approvedAt, policy.samples.creditValidityDays) : null;
}

/**
 * Whether a sample's fee is credited against a bulk line: same lot, same buyer, the samples
 * approved (or their review lapsed), within the validity, the bulk quantity at or above the lot's
 * MOQ, and the credit not used before. The service marks it used in the checkout's transaction
 * with a conditional update (`credit_used_by is null`), so two racing checkouts credit it once.
 */
export function creditFor(
	s: SampleForCredit,
	bulk: { buyerOrgId: string; lotId: string; quantity: number; lotMoq: number; lineIndex: number },
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { ok: true; amountFen: number } | { ok: false; error: SampleError } {
	const field = `lines.${bulk.lineIndex}.sampleId`;
	const no = (code: SampleError['code'], params: SampleError['params'] = {}) => ({
		ok: false as const,
		error: { code, field, params }
	});
	if (s.lotId !== bulk.lotId) return no('other_lot');
	if (s.buyerOrgId !== bulk.buyerOrgId) return no('other_buyer');
	if (s.state !== 'approved' && s.state !== 'auto_approved') return no('not_approved');
	if (s.creditUsedBy !== null) return no('credit_used');
	const expires = creditExpiresAt(s, policy);
	if (!expires || now.getTime() >= expires.getTime()) {
		return no('expired', { expiredAt: expires?.toISOString() ?? '' });
	}
	if (bulk.quantity < bulk.lotMoq) {
		return {
			ok: false,
			error: {
				code: 'below_moq',
				field: `lines.${bulk.lineIndex}.quantity`,
				params: { moq: bulk.lotMoq }
			}
		};
	}
	return { ok: true, amountFen: s.feeFen };
}

/**
 * The credit to apply for a line among the buyer's samples of the lot: the eligible one that
 * expires first (so none lapses unused while another is taken), or null.
 */
export function pickCredit(
	samples: readonly SampleForCredit[],
	bulk: { buyerOrgId: string; lotId: string; quantity: number; lotMoq: number; lineIndex: number },
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { sampleId: string; amountFen: number } | null {
	let best: { sampleId: string; amountFen: number; expires: number } | null = null;
	for (const s of samples) {
		const r = creditFor(s, bulk, now, policy);
		if (!r.ok) continue;
		const expires = creditExpiresAt(s, policy)!.getTime();
		if (
			!best ||
			expires < best.expires ||
			(expires === best.expires && s.sampleId < best.sampleId)
		) {
			best = { sampleId: s.sampleId, amountFen: r.amountFen, expires };
		}
	}
	return best ? { sampleId: best.sampleId, amountFen: best.amountFen } : null;
}
