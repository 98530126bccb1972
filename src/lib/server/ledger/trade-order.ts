// One trade order's money as the ledger holds it, posting by posting (read-only): the evidence
// bundle of a dispute shows the ruling's ledger effect (escrow paid in, released to the supplier
// less the fee, refunded to the buyer). Callers (the trade module) check who may see the order.
import { sql } from 'drizzle-orm';
import { execRows } from '../db';
import { TRADE_TXN_KINDS, type TradeTxnKind } from './trade-money';

export interface TradeOrderEntry {
	accountKind: string;
	/** The party's organisation (null for the platform's own cash and revenue accounts). */
	orgId: string | null;
	/** Debit +, credit − (docs/LEDGER.md). */
	amountFen: number;
	/** The order line (escrow items), the order id itself for the freight. */
	itemId: string | null;
}

export interface TradeOrderTransaction {
	id: number;
	kind: TradeTxnKind;
	/** `trade:<order>:<what>` — pay, release, release-undisputed, dispute-refund, dispute-release… */
	key: string;
	at: string;
	memo: string;
	entries: TradeOrderEntry[];
}

export interface TradeOrderMoney {
	transactions: TradeOrderTransaction[];
	/** Sums over the order's trade transactions (positive amounts). */
	paidInFen: number;
	heldFen: number;
	releasedFen: number;
	supplierFen: number;
	feeFen: number;
	refundedFen: number;
}

const TRADE_KINDS = sql.raw(TRADE_TXN_KINDS.map((k) => `'${k}'`).join(', '));
const n = (v: unknown) => Number(v ?? 0);

/** The order's trade transactions with their entries, oldest first, and what they add up to. */
export async function tradeOrderMoney(orderId: string): Promise<TradeOrderMoney> {
	const rows = await execRows<{
		id: string | number;
		kind: TradeTxnKind;
		key: string;
		at: string | Date;
		memo: string;
		account_kind: string;
		org_id: string | null;
		amount_fen: string | number;
		item_id: string | null;
	}>(
		sql`select t.id, t.kind, t.idempotency_key as key, t.at, t.memo,
				e.account_kind, e.org_id, e.amount_fen, e.sale_line_id as item_id
			from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
			where t.order_id = ${orderId} and t.kind in (${TRADE_KINDS})
			order by t.at, t.id, e.id`
	);
	const byId = new Map<number, TradeOrderTransaction>();
	const out: TradeOrderMoney = {
		transactions: [],
		paidInFen: 0,
		heldFen: 0,
		releasedFen: 0,
		supplierFen: 0,
		feeFen: 0,
		refundedFen: 0
	};
	for (const r of rows) {
		const id = n(r.id);
		let t = byId.get(id);
		if (!t) {
			t = {
				id,
				kind: r.kind,
				key: r.key,
				at: new Date(r.at).toISOString(),
				memo: r.memo,
				entries: []
			};
			byId.set(id, t);
			out.transactions.push(t);
		}
		const amountFen = n(r.amount_fen);
		t.entries.push({ accountKind: r.account_kind, orgId: r.org_id, amountFen, itemId: r.item_id });
		if (r.account_kind === 'escrow') {
			out.heldFen -= amountFen;
			if (r.kind === 'trade_payment' || r.kind === 'sample_credit') out.paidInFen -= amountFen;
			if (r.kind === 'trade_release') out.releasedFen += amountFen;
			if (r.kind === 'trade_refund') out.refundedFen += amountFen;
		}
		if (r.kind === 'trade_release' && r.account_kind === 'supplier_payable')
			out.supplierFen -= amountFen;
		if (r.kind === 'trade_release' && r.account_kind === 'platform_revenue')
			out.feeFen -= amountFen;
	}
	return out;
}
