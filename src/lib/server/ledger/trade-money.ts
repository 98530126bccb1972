// The money side of wholesale trade (issue 18; docs/TRADE.md "Ledger postings"): the trade
// module publishes `trade.money` inside its transaction with postings from the pure escrow rules
// (domain/trade/escrow.ts); the ledger checks and writes them here, in that same transaction,
// through post.ts (the one writer of entries). The ledger never reads the trade tables.
import type { TradeMoney } from '../events/map';
import type { Tx } from '../db';
import { post, type LedgerPosting, type NewTransaction, type TxnKind } from './post';

/** The transaction kinds trade may post (the four of `TradeMoney` and the credit-terms ones). */
export const TRADE_TXN_KINDS = [
	'trade_payment',
	'trade_release',
	'trade_refund',
	'sample_credit',
	'invoice',
	'repayment',
	'write_off'
] as const satisfies readonly TxnKind[];

export type TradeTxnKind = (typeof TRADE_TXN_KINDS)[number];

/** A trade money event as the ledger takes it (`TradeMoney`, or a credit-terms kind). */
export type TradeMoneyInput = Omit<TradeMoney, 'kind'> & { kind: TradeTxnKind };

/** Idempotency key of a trade money event in `ledger_transactions` (namespaced like the others). */
export const tradeKey = (key: string) => `trade:${key}`;

const PARTY_OF: Partial<Record<string, 'supplier' | 'buyer'>> = {
	supplier_payable: 'supplier',
	buyer_receivable: 'buyer'
};

/**
 * The ledger transaction of a trade money event. Escrow entries name their item: a trade order
 * line's entry has the line id as `sale_line_id` (and its lot); the freight's entry, which the
 * escrow rules leave without a line (`<orderId>:freight` has no lot and is no uuid), is written
 * with the order id itself as `sale_line_id`, so every escrow entry of a trade order names an
 * item and per-item sums are plain GROUP BYs. The transaction carries the order id and, as its
 * party (`org_id`), the supplier: the supplier's receivables find its orders' escrow by it; and
 * the buyer organisation (`buyer_org_id`), by which the buyer's statement finds its money.
 * A posting naming another party than the event's supplier or buyer is a programming error.
 */
export function tradeTransactionOf(e: TradeMoneyInput): NewTransaction {
	if (!(TRADE_TXN_KINDS as readonly string[]).includes(e.kind)) {
		throw new Error(`trade money: unknown kind ${String(e.kind)}`);
	}
	if (!e.key || !e.orderId || !e.supplierId || !e.buyerOrgId) {
		throw new Error('trade money: key, orderId, supplierId and buyerOrgId are required');
	}
	const postings: LedgerPosting[] = e.postings.map((p) => {
		const party = PARTY_OF[p.account.kind];
		const expected = party === 'supplier' ? e.supplierId : party === 'buyer' ? e.buyerOrgId : null;
		if (p.account.orgId !== expected) {
			throw new Error(
				`trade money ${e.key}: ${p.account.kind} of ${String(p.account.orgId)}, expected ${String(expected)}`
			);
		}
		const account = { kind: p.account.kind, orgId: p.account.orgId };
		if (p.line) return { account, amountFen: p.amountFen, line: { ...p.line } };
		if (p.account.kind === 'escrow') {
			return { account, amountFen: p.amountFen, line: { saleLineId: e.orderId, lotId: null } };
		}
		return { account, amountFen: p.amountFen };
	});
	return {
		kind: e.kind,
		key: tradeKey(e.key),
		at: e.at,
		orderId: e.orderId,
		orgId: e.supplierId,
		buyerOrgId: e.buyerOrgId,
		refId: e.refId ?? null,
		memo: e.memo ?? '',
		postings
	};
}

/**
 * Posts a trade money event in the caller's transaction (the `trade.money` subscription).
 * Balanced or refused (domain `transaction`, then the database trigger); a repeated key posts
 * nothing. Returns whether it was written now.
 */
export async function recordTradeMoney(tx: Tx, e: TradeMoneyInput): Promise<boolean> {
	const r = await post(tx, [tradeTransactionOf(e)]);
	return r.transactions > 0;
}
