/**
 * Escrow of a trade order (担保交易) as balanced double-entry transactions, in the shapes of
 * `src/lib/domain/ledger.ts` (docs/LEDGER.md): a posting is a debit when positive, a credit when
 * negative, every transaction sums to zero, escrow entries name their line (`saleLineId` is the
 * trade order line id). Pure; the trade service hands these to the ledger's posting call.
 *
 * Items: each order line (goods + packaging, the platform's wholesale fee applies) and the
 * order's freight (no fee; it goes to the supplier, who books the partner carrier). A sample
 * credit (samples.ts) funds part of one line's escrow from the supplier's payable instead of the
 * buyer's cash.
 *
 * Rules
 * - Payment: cash +Σ(amount − credit), escrow −(amount − credit) per item.
 * - Sample credit at checkout: supplier_payable +credit, escrow −credit (the sample fee the
 *   supplier was paid goes back into this order's escrow; the buyer pays that much less).
 * - Release per item: escrow +net, supplier −(net − fee), revenue −fee, fee = shareFen(net, feeBp)
 *   for goods and 0 for freight (half up to the fen, the ledger's only rounding rule), where
 *   net = funded − refunded.
 * - Refund of an item: escrow +amount; the buyer's cash is returned first (cash −), the credited
 *   part last, back to the supplier (supplier_payable −), so nobody gets back what they did not
 *   put in.
 * - Samples: the fee is paid into escrow like an order, released whole to the supplier on
 *   approval (no platform fee on samples: the bulk order they lead to carries it), refunded when
 *   the ship SLA is missed.
 * Invariant (tested): for every item, released + refunded = funded = cash in + credit in.
 */
import {
	CASH,
	ESCROW,
	REVENUE,
	shareFen,
	supplierPayable,
	type AccountKey,
	type AccountKind,
	type SaleLineRef
} from '../ledger';

/** The ledger's kinds plus the two credit terms need (issue 21; the integrator adds them to the enum). */
export type TradeAccountKind = AccountKind | 'buyer_receivable' | 'credit_loss';

export interface TradeAccountKey {
	kind: TradeAccountKind;
	orgId: string | null;
}

export interface TradePosting {
	account: TradeAccountKey | AccountKey;
	amountFen: number;
	line?: SaleLineRef;
}

/** Owed by a buyer organisation on credit terms (asset). */
export const buyerReceivable = (orgId: string): TradeAccountKey => ({
	kind: 'buyer_receivable',
	orgId
});
/** Written-off receivables (expense). */
export const CREDIT_LOSS: TradeAccountKey = { kind: 'credit_loss', orgId: null };

function fen(n: number, what: string): number {
	if (!Number.isSafeInteger(n))
		throw new RangeError(`${what} must be a whole number of fen, got ${n}`);
	return n;
}

/** Drops zero postings and refuses an unbalanced set (as ledger.transaction). */
export function tradeTransaction(postings: TradePosting[]): TradePosting[] {
	const out = postings.filter((p) => p.amountFen !== 0);
	let sum = 0;
	for (const p of out) sum += fen(p.amountFen, 'posting');
	if (sum !== 0) throw new Error(`unbalanced transaction: ${JSON.stringify(out)}`);
	return out;
}

export interface EscrowItemInput {
	/** Trade order line id, or `<orderId>:freight`. */
	itemId: string;
	/** The lot for goods; null for freight. */
	lotId: string | null;
	kind: 'goods' | 'freight';
	/** The item's full amount (goods + packaging for a line; freight). */
	amountFen: number;
	/** Part of it funded by a sample credit (0 when none). */
	creditFen: number;
}

export interface EscrowItem extends EscrowItemInput {
	refundedCashFen: number;
	refundedCreditFen: number;
	releasedFen: number;
	/** Platform fee taken at release. */
	feeFen: number;
}

export interface EscrowBook {
	orderId: string;
	supplierOrgId: string;
	feeBp: number;
	items: EscrowItem[];
}

const ref = (i: EscrowItemInput): SaleLineRef | undefined =>
	i.lotId === null ? undefined : { saleLineId: i.itemId, lotId: i.lotId };

const escrowLeg = (i: EscrowItemInput, amountFen: number): TradePosting => {
	const line = ref(i);
	return line ? { account: ESCROW, amountFen, line } : { account: ESCROW, amountFen };
};

/** Left in escrow for an item. */
export function heldFen(i: EscrowItem): number {
	return i.amountFen - i.refundedCashFen - i.refundedCreditFen - i.releasedFen;
}

/**
 * Opens the book of a trade order and gives the checkout's postings: the payment (buyer's cash
 * into escrow) and, when a sample credit applies, the credit transaction.
 */
export function openEscrow(
	order: { orderId: string; supplierOrgId: string; feeBp: number },
	items: readonly EscrowItemInput[]
): { book: EscrowBook; payment: TradePosting[]; credit: TradePosting[] } {
	if (!Number.isInteger(order.feeBp) || order.feeBp < 0 || order.feeBp > 10000) {
		throw new RangeError(`bad fee ${order.feeBp} bp`);
	}
	const ids = new Set<string>();
	for (const i of items) {
		fen(i.amountFen, 'amount');
		fen(i.creditFen, 'credit');
		if (i.amountFen < 0 || i.creditFen < 0 || i.creditFen > i.amountFen) {
			throw new RangeError(`bad item ${i.itemId}: amount ${i.amountFen}, credit ${i.creditFen}`);
		}
		if (i.kind === 'freight' && i.creditFen !== 0)
			throw new RangeError('freight cannot be credited');
		if (ids.has(i.itemId)) throw new RangeError(`item ${i.itemId} twice`);
		ids.add(i.itemId);
	}
	const cashTotal = items.reduce((s, i) => s + i.amountFen - i.creditFen, 0);
	const creditTotal = items.reduce((s, i) => s + i.creditFen, 0);
	const payment = tradeTransaction([
		{ account: CASH, amountFen: cashTotal },
		...items.map((i) => escrowLeg(i, -(i.amountFen - i.creditFen)))
	]);
	const credit = tradeTransaction([
		{ account: supplierPayable(order.supplierOrgId), amountFen: creditTotal },
		...items.filter((i) => i.creditFen > 0).map((i) => escrowLeg(i, -i.creditFen))
	]);
	return {
		book: {
			...order,
			items: items.map((i) => ({
				...i,
				refundedCashFen: 0,
				refundedCreditFen: 0,
				releasedFen: 0,
				feeFen: 0
			}))
		},
		payment,
		credit
	};
}

function item(book: EscrowBook, itemId: string): EscrowItem {
	const i = book.items.find((x) => x.itemId === itemId);
	if (!i) throw new RangeError(`unknown item ${itemId}`);
	return i;
}

function replace(book: EscrowBook, next: EscrowItem): EscrowBook {
	return { ...book, items: book.items.map((i) => (i.itemId === next.itemId ? next : i)) };
}

export class EscrowError extends Error {
	constructor(
		readonly code: 'refund_too_large' | 'nothing_held',
		readonly itemId: string,
		readonly availableFen: number
	) {
		super(`${code}: ${itemId} (${availableFen} held)`);
	}
}

/**
 * Refunds `amountFen` of an item still in escrow: the buyer's cash first, the credited part
 * last (back to the supplier). More than is held is an `EscrowError('refund_too_large')`.
 */
export function refundItem(
	book: EscrowBook,
	itemId: string,
	amountFen: number
): { book: EscrowBook; postings: TradePosting[] } {
	fen(amountFen, 'refund');
	const i = item(book, itemId);
	const held = heldFen(i);
	if (amountFen <= 0 || amountFen > held) throw new EscrowError('refund_too_large', itemId, held);
	const cashLeft = i.amountFen - i.creditFen - i.refundedCashFen;
	const cashPart = Math.min(amountFen, Math.max(0, cashLeft));
	const creditPart = amountFen - cashPart;
	const postings = tradeTransaction([
		escrowLeg(i, amountFen),
		{ account: CASH, amountFen: -cashPart },
		{ account: supplierPayable(book.supplierOrgId), amountFen: -creditPart }
	]);
	return {
		book: replace(book, {
			...i,
			refundedCashFen: i.refundedCashFen + cashPart,
			refundedCreditFen: i.refundedCreditFen + creditPart
		}),
		postings
	};
}

/** Refunds everything still held (cancelled order, missed SLA, full refund ruling). */
export function refundAll(book: EscrowBook): { book: EscrowBook; postings: TradePosting[] } {
	let b = book;
	const postings: TradePosting[] = [];
	for (const i of book.items) {
		const held = heldFen(i);
		if (held === 0) continue;
		const r = refundItem(b, i.itemId, held);
		b = r.book;
		postings.push(...r.postings);
	}
	return { book: b, postings: mergeTransaction(postings) };
}

/** One transaction from several balanced parts, legs on the same account and line summed. */
function mergeTransaction(parts: TradePosting[]): TradePosting[] {
	const map = new Map<string, TradePosting>();
	for (const p of parts) {
		const k = `${p.account.kind}|${p.account.orgId ?? ''}|${p.line?.saleLineId ?? ''}`;
		const m = map.get(k);
		if (m) m.amountFen += p.amountFen;
		else
			map.set(k, { ...p, account: { ...p.account }, ...(p.line ? { line: { ...p.line } } : {}) });
	}
	return tradeTransaction([...map.values()]);
}

/**
 * Releases what each named item still holds to the supplier less the wholesale fee (goods
 * only), one transaction. Items with nothing held are skipped; none held at all is an
 * `EscrowError('nothing_held')`.
 */
export function releaseItems(
	book: EscrowBook,
	itemIds: readonly string[]
): { book: EscrowBook; postings: TradePosting[]; feeFen: number; supplierFen: number } {
	return releaseAmounts(
		book,
		[...new Set(itemIds)].map((itemId) => ({ itemId, amountFen: heldFen(item(book, itemId)) })),
		itemIds.join(',')
	);
}

/**
 * Releases part of what items hold to the supplier less the wholesale fee (goods only), one
 * transaction: `amountFen` ≤ held per item (more is `EscrowError('refund_too_large')`). A part
 * of an item can stay held (a replacement's pieces, issue 20). Zero amounts are skipped; nothing
 * at all is `EscrowError('nothing_held')`.
 */
export function releaseAmounts(
	book: EscrowBook,
	parts: readonly { itemId: string; amountFen: number }[],
	what = parts.map((p) => p.itemId).join(',')
): { book: EscrowBook; postings: TradePosting[]; feeFen: number; supplierFen: number } {
	let b = book;
	const postings: TradePosting[] = [];
	let feeTotal = 0;
	let supplierTotal = 0;
	for (const part of parts) {
		const i = item(b, part.itemId);
		const net = fen(part.amountFen, 'release');
		if (net === 0) continue;
		if (net < 0 || net > heldFen(i))
			throw new EscrowError('refund_too_large', i.itemId, heldFen(i));
		const fee = i.kind === 'goods' ? shareFen(net, book.feeBp) : 0;
		const line = ref(i);
		const withLine = (p: TradePosting): TradePosting => (line ? { ...p, line } : p);
		postings.push(
			escrowLeg(i, net),
			withLine({ account: supplierPayable(book.supplierOrgId), amountFen: -(net - fee) }),
			withLine({ account: REVENUE, amountFen: -fee })
		);
		feeTotal += fee;
		supplierTotal += net - fee;
		b = replace(b, { ...i, releasedFen: i.releasedFen + net, feeFen: i.feeFen + fee });
	}
	if (postings.length === 0) throw new EscrowError('nothing_held', what, 0);
	return {
		book: b,
		postings: tradeTransaction(postings),
		feeFen: feeTotal,
		supplierFen: supplierTotal
	};
}

/** Releases everything still held (buyer accepted, automatic acceptance, ruling "release"). */
export function releaseAll(book: EscrowBook) {
	return releaseItems(
		book,
		book.items.filter((i) => heldFen(i) > 0).map((i) => i.itemId)
	);
}

/** Totals of a book: what was paid in (cash + credit), released, refunded, still held. */
export function escrowTotals(book: EscrowBook): {
	paidFen: number;
	cashFen: number;
	creditFen: number;
	releasedFen: number;
	refundedFen: number;
	heldFen: number;
	feeFen: number;
} {
	const s = (f: (i: EscrowItem) => number) => book.items.reduce((a, i) => a + f(i), 0);
	return {
		paidFen: s((i) => i.amountFen),
		cashFen: s((i) => i.amountFen - i.creditFen),
		creditFen: s((i) => i.creditFen),
		releasedFen: s((i) => i.releasedFen),
		refundedFen: s((i) => i.refundedCashFen + i.refundedCreditFen),
		heldFen: s(heldFen),
		feeFen: s((i) => i.feeFen)
	};
}

// ------------------------------------------------------------------------------- samples

export interface SampleRef {
	sampleId: string;
	lotId: string;
}

const sampleLine = (s: SampleRef): SaleLineRef => ({ saleLineId: s.sampleId, lotId: s.lotId });

/** The buyer pays the sample fee into escrow. */
export function samplePaymentPostings(s: SampleRef, feeFen: number): TradePosting[] {
	fen(feeFen, 'sample fee');
	return tradeTransaction([
		{ account: CASH, amountFen: feeFen },
		{ account: ESCROW, amountFen: -feeFen, line: sampleLine(s) }
	]);
}

/** Samples approved (or the review window passed): the whole fee goes to the supplier. */
export function sampleReleasePostings(
	s: SampleRef,
	supplierOrgId: string,
	feeFen: number
): TradePosting[] {
	fen(feeFen, 'sample fee');
	return tradeTransaction([
		{ account: ESCROW, amountFen: feeFen, line: sampleLine(s) },
		{ account: supplierPayable(supplierOrgId), amountFen: -feeFen, line: sampleLine(s) }
	]);
}

/** Samples not shipped in time: the fee goes back to the buyer. */
export function sampleRefundPostings(s: SampleRef, feeFen: number): TradePosting[] {
	fen(feeFen, 'sample fee');
	return tradeTransaction([
		{ account: ESCROW, amountFen: feeFen, line: sampleLine(s) },
		{ account: CASH, amountFen: -feeFen }
	]);
}

/** Sum of postings on one account kind (and party), as a balance check in tests and reports. */
export function accountSum(
	postings: readonly TradePosting[],
	kind: TradeAccountKind,
	orgId: string | null = null
): number {
	return postings
		.filter((p) => p.account.kind === kind && p.account.orgId === orgId)
		.reduce((s, p) => s + p.amountFen, 0);
}
