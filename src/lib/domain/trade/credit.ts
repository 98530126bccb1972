/**
 * Credit terms (账期, issue 21), pure: the unified social credit code check, exposure and the
 * limit check, overdue blocking with grace days, aging buckets, repayment allocation (oldest
 * first) and the receivable postings. The trade service takes a row lock on the buyer's credit
 * account before `checkLimit`, so two checkouts racing for the last of a limit see each other.
 */
import { CASH, REVENUE, shareFen, supplierPayable } from '../ledger';
import { buyerReceivable, CREDIT_LOSS, tradeTransaction, type TradePosting } from './escrow';
import { addDays, DAY_MS, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';

// ----------------------------------------------------- 统一社会信用代码 (GB 32100-2015)

/** The code's alphabet: digits and capitals without I, O, S, V, Z; a character's value is its index. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters (null if any is outside the alphabet). */
export function usccCheckChar(first17: string): string | null {
	if (first17.length !== 17) return null;
	let sum = 0;
	for (let i = 0; i < 17; i++) {
		const v = USCC_CHARS.indexOf(first17[i]!);
		if (v < 0) return null;
		sum += v * USCC_WEIGHTS[i]!;
	}
	const c = (31 - (sum % 31)) % 31;
	return USCC_CHARS[c]!;
}

/**
 * Normalises (trim, upper case, no spaces) and validates an 18-character unified social credit
 * code by its check character. Returns the normalised code or null.
 */
export function parseUscc(input: string): string | null {
	const code = input.replace(/\s+/g, '').toUpperCase();
	if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return null;
	return usccCheckChar(code.slice(0, 17)) === code[17] ? code : null;
}

// ------------------------------------------------------------------ exposure and limits

export interface OpenInvoice {
	invoiceId: string;
	issuedAt: Date;
	dueAt: Date;
	amountFen: number;
	paidFen: number;
	writtenOffFen: number;
}

export const outstandingFen = (i: OpenInvoice): number => i.amountFen - i.paidFen - i.writtenOffFen;

/** Exposure = what open invoices still owe + orders on terms not yet invoiced (in flight). */
export function exposureFen(invoices: readonly OpenInvoice[], inFlightFen: number): number {
	const e = invoices.reduce((s, i) => s + Math.max(0, outstandingFen(i)), 0) + inFlightFen;
	if (!Number.isSafeInteger(e)) throw new RangeError(`bad exposure ${e}`);
	return e;
}

export type LimitCheck =
	| { ok: true; availableFen: number; afterFen: number; warn: boolean }
	| { ok: false; code: 'credit_limit'; availableFen: number }
	| { ok: false; code: 'credit_overdue'; invoiceId: string; dueAt: Date }
	| { ok: false; code: 'credit_b2b_moq'; minimum: number }
	| { ok: false; code: 'credit_none' };

/** The first invoice blocking new terms: outstanding and more than the grace days past due. */
export function blockingInvoice(
	invoices: readonly OpenInvoice[],
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): OpenInvoice | null {
	const blocking = invoices
		.filter(
			(i) =>
				outstandingFen(i) > 0 && now.getTime() > addDays(i.dueAt, policy.credit.graceDays).getTime()
		)
		.sort(
			(a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.invoiceId.localeCompare(b.invoiceId)
		);
	return blocking[0] ?? null;
}

/**
 * May a checkout of `orderFen` (`pieces` in total) go on terms? Refused without an approved
 * limit, below the B2B minimum, while an invoice is overdue beyond the grace days, or when the
 * order does not fit in what is available (`availableFen` tells how much would). Warns when the
 * exposure after the order reaches the warning share (80%) of the limit.
 */
export function checkLimit(
	account: { limitFen: number; approved: boolean } | null,
	invoices: readonly OpenInvoice[],
	inFlightFen: number,
	order: { amountFen: number; pieces: number },
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): LimitCheck {
	if (!account || !account.approved || account.limitFen <= 0)
		return { ok: false, code: 'credit_none' };
	if (order.pieces < policy.cart.b2bMoq)
		return { ok: false, code: 'credit_b2b_moq', minimum: policy.cart.b2bMoq };
	const late = blockingInvoice(invoices, now, policy);
	if (late)
		return { ok: false, code: 'credit_overdue', invoiceId: late.invoiceId, dueAt: late.dueAt };
	const exposure = exposureFen(invoices, inFlightFen);
	const availableFen = Math.max(0, account.limitFen - exposure);
	if (order.amountFen > availableFen) return { ok: false, code: 'credit_limit', availableFen };
	const afterFen = exposure + order.amountFen;
	return {
		ok: true,
		availableFen: availableFen - order.amountFen,
		afterFen,
		warn: afterFen * 10000 >= account.limitFen * policy.credit.warnBp
	};
}

/** An invoice's due date: the term in days from the buyer's acceptance of the goods. */
export function invoiceDueAt(
	acceptedAt: Date,
	termDays: number,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): Date {
	if (!policy.credit.termDays.includes(termDays))
		throw new RangeError(`term ${termDays} not offered`);
	return addDays(acceptedAt, termDays);
}

/** Reminders: one `reminderDaysBefore` days before the due date, then when it is overdue. */
export function reminderDue(
	invoice: OpenInvoice,
	now: Date,
	sent: { before: boolean; overdue: boolean },
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): 'before' | 'overdue' | null {
	if (outstandingFen(invoice) <= 0) return null;
	const t = now.getTime();
	if (!sent.overdue && t > invoice.dueAt.getTime()) return 'overdue';
	if (
		!sent.before &&
		t >= invoice.dueAt.getTime() - policy.credit.reminderDaysBefore * DAY_MS &&
		t <= invoice.dueAt.getTime()
	) {
		return 'before';
	}
	return null;
}

// ----------------------------------------------------------------------------- aging

export const AGING_BUCKETS = ['current', 'd1_30', 'd31_60', 'd60_plus'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/**
 * Whole days an invoice is overdue at `now` (0 when not yet due): days are counted from the due
 * moment, a day being 24 hours, rounded down (one hour late is 0 days: still `current`).
 */
export function daysOverdue(dueAt: Date, now: Date): number {
	return Math.max(0, Math.floor((now.getTime() - dueAt.getTime()) / DAY_MS));
}

/** current (not overdue), 1–30, 31–60, over 60 days overdue. */
export function agingBucket(dueAt: Date, now: Date): AgingBucket {
	const d = daysOverdue(dueAt, now);
	if (d === 0) return 'current';
	if (d <= 30) return 'd1_30';
	if (d <= 60) return 'd31_60';
	return 'd60_plus';
}

/** Outstanding amounts per bucket (the operator's aging report, per buyer or overall). */
export function aging(invoices: readonly OpenInvoice[], now: Date): Record<AgingBucket, number> {
	const out: Record<AgingBucket, number> = { current: 0, d1_30: 0, d31_60: 0, d60_plus: 0 };
	for (const i of invoices) {
		const o = outstandingFen(i);
		if (o > 0) out[agingBucket(i.dueAt, now)] += o;
	}
	return out;
}

// ------------------------------------------------------------------------ repayments

/**
 * Allocates a repayment oldest first (earliest due date, then earliest issue, then id): each
 * invoice is paid off before the next gets anything. What is left over is returned (the service
 * refuses an overpayment or keeps it as the buyer's unapplied balance).
 */
export function allocateRepayment(
	invoices: readonly OpenInvoice[],
	amountFen: number
): { allocations: { invoiceId: string; amountFen: number }[]; leftoverFen: number } {
	if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
		throw new RangeError(`bad repayment ${amountFen}`);
	const order = [...invoices].sort(
		(a, b) =>
			a.dueAt.getTime() - b.dueAt.getTime() ||
			a.issuedAt.getTime() - b.issuedAt.getTime() ||
			a.invoiceId.localeCompare(b.invoiceId)
	);
	let left = amountFen;
	const allocations: { invoiceId: string; amountFen: number }[] = [];
	for (const i of order) {
		if (left === 0) break;
		const o = outstandingFen(i);
		if (o <= 0) continue;
		const a = Math.min(o, left);
		allocations.push({ invoiceId: i.invoiceId, amountFen: a });
		left -= a;
	}
	return { allocations, leftoverFen: left };
}

// -------------------------------------------------------------------------- postings

/**
 * Goods accepted on terms: the platform pays the supplier as it would from escrow (less the
 * wholesale fee on goods, freight whole) and the buyer owes the platform the invoice.
 * buyer_receivable +total, supplier −(total − fee), revenue −fee.
 */
export function termsAcceptancePostings(input: {
	buyerOrgId: string;
	supplierOrgId: string;
	goodsFen: number;
	freightFen: number;
	feeBp: number;
}): { postings: TradePosting[]; invoiceFen: number; feeFen: number } {
	const fee = shareFen(input.goodsFen, input.feeBp);
	const total = input.goodsFen + input.freightFen;
	return {
		invoiceFen: total,
		feeFen: fee,
		postings: tradeTransaction([
			{ account: buyerReceivable(input.buyerOrgId), amountFen: total },
			{ account: supplierPayable(input.supplierOrgId), amountFen: -(total - fee) },
			{ account: REVENUE, amountFen: -fee }
		])
	};
}

/** A repayment (bank transfer recorded by an operator, or through the payment provider). */
export function repaymentPostings(buyerOrgId: string, amountFen: number): TradePosting[] {
	return tradeTransaction([
		{ account: CASH, amountFen },
		{ account: buyerReceivable(buyerOrgId), amountFen: -amountFen }
	]);
}

/** Writing off what a buyer will not pay: an expense, the receivable cleared. */
export function writeOffPostings(buyerOrgId: string, amountFen: number): TradePosting[] {
	return tradeTransaction([
		{ account: CREDIT_LOSS, amountFen },
		{ account: buyerReceivable(buyerOrgId), amountFen: -amountFen }
	]);
}
