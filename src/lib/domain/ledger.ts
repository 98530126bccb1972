/**
 * Double-entry rules for escrow, commission and settlement. Pure: the ledger service turns
 * these postings into rows, in the same database transaction as the business event.
 *
 * Conventions
 * - Amounts are integer fen. A posting is a debit when positive, a credit when negative; every
 *   transaction's postings sum to zero.
 * - Rounding rule (the only one): a share of an amount at a rate in basis points is rounded
 *   half up to the whole fen, `floor((amount × bp + 5000) / 10000)`. Commission and the
 *   platform fee are such shares of the net sale price; the supplier gets the remainder, so the
 *   three parts always add up to the net exactly.
 * - Commission is owed on what the consumer finally paid: net = paid − refunded. A refund
 *   before settlement lowers the net that gets settled; a refund after settlement posts the
 *   difference between what was settled and what the new net owes (a claw-back, which can
 *   push a host's or supplier's payable below zero until their next statement).
 */

export type AccountKind =
	| 'cash' // platform's clearing account at the payment provider (asset)
	| 'escrow' // consumers' money held until settlement (liability)
	| 'supplier_payable' // owed to a supplier (liability)
	| 'host_payable' // commission owed to a host team (liability)
	| 'platform_revenue' // platform fees (revenue)
	| 'buyer_receivable' // owed by a buyer organisation on credit terms (asset; trade, issue 21)
	| 'credit_loss'; // written-off receivables (expense)

export interface AccountKey {
	kind: AccountKind;
	/** The party for payables (supplier or host team org id); null for platform accounts. */
	orgId: string | null;
}

export interface Posting {
	account: AccountKey;
	amountFen: number;
	/** The sale line (and its lot) this entry is about, when the transaction covers several. */
	line?: SaleLineRef;
}

export interface SaleLineRef {
	saleLineId: string;
	lotId: string;
}

export const CASH: AccountKey = { kind: 'cash', orgId: null };
export const ESCROW: AccountKey = { kind: 'escrow', orgId: null };
export const REVENUE: AccountKey = { kind: 'platform_revenue', orgId: null };
export const supplierPayable = (orgId: string): AccountKey => ({ kind: 'supplier_payable', orgId });
export const hostPayable = (orgId: string): AccountKey => ({ kind: 'host_payable', orgId });

function assertFen(n: number, what = 'amount'): void {
	if (!Number.isSafeInteger(n))
		throw new RangeError(`${what} must be a whole number of fen, got ${n}`);
}

/** The rounding rule: a basis-point share of an amount, half up to the whole fen. */
export function shareFen(amountFen: number, bp: number): number {
	assertFen(amountFen);
	if (!Number.isInteger(bp) || bp < 0 || bp > 10000) throw new RangeError(`bad rate ${bp} bp`);
	const sign = amountFen < 0 ? -1 : 1;
	return sign * Math.floor((Math.abs(amountFen) * bp + 5000) / 10000);
}

export interface Split {
	commissionFen: number;
	feeFen: number;
	supplierFen: number;
}

/** How a net sale price divides between host commission, platform fee and supplier. */
export function split(netFen: number, commissionBp: number, feeBp: number): Split {
	const commissionFen = shareFen(netFen, commissionBp);
	const feeFen = shareFen(netFen, feeBp);
	return { commissionFen, feeFen, supplierFen: netFen - commissionFen - feeFen };
}

export function isBalanced(postings: readonly { amountFen: number }[]): boolean {
	return (
		postings.every((p) => Number.isSafeInteger(p.amountFen)) &&
		postings.reduce((s, p) => s + p.amountFen, 0) === 0
	);
}

/** Drops zero postings and refuses an unbalanced set: what the service writes. */
export function transaction<P extends { amountFen: number } = Posting>(postings: P[]): P[] {
	const out = postings.filter((p) => p.amountFen !== 0);
	if (!isBalanced(out)) {
		throw new Error(`unbalanced transaction: ${JSON.stringify(out)}`);
	}
	return out;
}

/**
 * Consumer pays for an order: the money arrives at the provider once and is held in escrow line
 * by line (each escrow entry names its sale line, which refunds and settlement later draw on).
 */
export function paymentPostings(lines: (SaleLineRef & { grossFen: number })[]): Posting[] {
	let total = 0;
	for (const l of lines) {
		assertFen(l.grossFen);
		total += l.grossFen;
	}
	return transaction([
		{ account: CASH, amountFen: total },
		...lines.map((l) => ({
			account: ESCROW,
			amountFen: -l.grossFen,
			line: { saleLineId: l.saleLineId, lotId: l.lotId }
		}))
	]);
}

/** Refund before settlement: escrow gives the money back. */
export function refundFromEscrowPostings(amountFen: number): Posting[] {
	assertFen(amountFen);
	return transaction([
		{ account: ESCROW, amountFen },
		{ account: CASH, amountFen: -amountFen }
	]);
}

export interface SaleParties {
	supplierOrgId: string;
	/** The host team earning commission; null for a sale without a host (no commission). */
	hostOrgId: string | null;
	commissionBp: number;
	feeBp: number;
}

/** The commission rate that applies: none when no host team sold the line. */
function effectiveCommissionBp(p: Pick<SaleParties, 'hostOrgId' | 'commissionBp'>): number {
	return p.hostOrgId === null ? 0 : p.commissionBp;
}

/** How a sale line's net divides, with its parties' rates. */
function saleSplit(netFen: number, p: SaleParties): Split {
	return split(netFen, effectiveCommissionBp(p), p.feeBp);
}

function hostPosting(p: SaleParties, amountFen: number): Posting[] {
	if (p.hostOrgId === null) return [];
	return [{ account: hostPayable(p.hostOrgId), amountFen }];
}

/** Settlement of a sale line: escrow releases the net to supplier, host and platform. */
export function settlementPostings(
	netFen: number,
	p: SaleParties
): { postings: Posting[]; split: Split } {
	const s = saleSplit(netFen, p);
	return {
		split: s,
		postings: transaction([
			{ account: ESCROW, amountFen: netFen },
			{ account: supplierPayable(p.supplierOrgId), amountFen: -s.supplierFen },
			...hostPosting(p, -s.commissionFen),
			{ account: REVENUE, amountFen: -s.feeFen }
		])
	};
}

/**
 * Refund after settlement: the consumer gets `amountFen` back from the platform's cash, and
 * each party gives back the difference between what was settled on the old net and what the
 * new net owes them.
 */
export function refundAfterSettlementPostings(
	settledNetFen: number,
	amountFen: number,
	p: SaleParties
): { postings: Posting[]; before: Split; after: Split } {
	assertFen(amountFen);
	const before = saleSplit(settledNetFen, p);
	const after = saleSplit(settledNetFen - amountFen, p);
	return {
		before,
		after,
		postings: transaction([
			{
				account: supplierPayable(p.supplierOrgId),
				amountFen: before.supplierFen - after.supplierFen
			},
			...hostPosting(p, before.commissionFen - after.commissionFen),
			{ account: REVENUE, amountFen: before.feeFen - after.feeFen },
			{ account: CASH, amountFen: -amountFen }
		])
	};
}

/** Paying out a payable balance to its party. */
export function payoutPostings(account: AccountKey, amountFen: number): Posting[] {
	assertFen(amountFen);
	return transaction([
		{ account, amountFen },
		{ account: CASH, amountFen: -amountFen }
	]);
}

/** Freight for a replacement shipment, charged to the supplier (the platform paid the carrier). */
export function supplierChargePostings(supplierOrgId: string, amountFen: number): Posting[] {
	assertFen(amountFen);
	return transaction([
		{ account: supplierPayable(supplierOrgId), amountFen },
		{ account: CASH, amountFen: -amountFen }
	]);
}

/** A party's balance as they see it: what the platform owes them (credits positive). */
export function owed(postings: readonly { amountFen: number }[]): number {
	return 0 - postings.reduce((s, p) => s + p.amountFen, 0);
}

/** Is a commission rate inside the policy band (per lot or per show deal)? */
export function commissionInBand(
	bp: number,
	band: { commissionMinBp: number; commissionMaxBp: number }
): boolean {
	return Number.isInteger(bp) && bp >= band.commissionMinBp && bp <= band.commissionMaxBp;
}

/**
 * The commission rate of a sale line: the show deal's rate when the team agreed one for the
 * show, else the lot's rate, else the policy default. Null when the rate found is outside the
 * band (the caller refuses the sale or asks the operator).
 */
export function resolveCommissionBp(
	rates: { showDealBp?: number | null; lotBp?: number | null },
	money: { commissionMinBp: number; commissionMaxBp: number; defaultCommissionBp: number }
): number | null {
	const bp = rates.showDealBp ?? rates.lotBp ?? money.defaultCommissionBp;
	return commissionInBand(bp, money) ? bp : null;
}

// ------------------------------------------------------------------ statements and periods

/**
 * Statements and earnings count days and months in China time (UTC+8, no daylight saving), so a
 * sale at 23:30 in Shanghai belongs to that day whatever the server's zone.
 */
export const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The China calendar day of an instant, `YYYY-MM-DD`. */
export function chinaDay(at: Date): string {
	return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The China calendar month of an instant, `YYYY-MM`. */
export function chinaMonth(at: Date): string {
	return chinaDay(at).slice(0, 7);
}

/** The instant a China calendar day (`YYYY-MM-DD`) starts. */
export function chinaDayStart(day: string): Date {
	return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);
}

/** A statement period `[from, to)` for a China calendar month `YYYY-MM`. */
export function monthPeriod(month: string): { from: Date; to: Date } {
	const m = /^(\d{4})-(\d{2})$/.exec(month);
	if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`bad month ${month}`);
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const from = new Date(Date.UTC(y, mo - 1, 1) - CHINA_OFFSET_MS);
	const to = new Date(Date.UTC(y, mo, 1) - CHINA_OFFSET_MS);
	return { from, to };
}

/**
 * Statement lines with their running balance. `owedFen` is each movement as the party sees it
 * (what the platform owes them: a credit is positive); the closing balance is the last running
 * balance, or the opening one when the period had no movement.
 */
export function withRunningBalance<T extends { owedFen: number }>(
	openingFen: number,
	rows: readonly T[]
): { lines: (T & { balanceFen: number })[]; closingFen: number } {
	let balance = openingFen;
	const lines = rows.map((r) => {
		assertFen(r.owedFen);
		balance += r.owedFen;
		return { ...r, balanceFen: balance };
	});
	return { lines, closingFen: balance };
}
