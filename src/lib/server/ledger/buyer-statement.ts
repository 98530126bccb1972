// A buyer organisation's statement (issue 21, docs/TRADE.md "Credit terms: the service"): what
// its wholesale money did in a period, read from the ledger's postings alone. The trade module
// posts every buyer's money with the buyer on the transaction (`buyer_org_id`); the balance owed
// on terms is the buyer's `buyer_receivable` account. Nothing here is recomputed from trade rows.
import { sql } from 'drizzle-orm';
import { withRunningBalance } from '$lib/domain/ledger';
import { execRows } from '../db';
import type { Principal } from '../auth/principal';
import { accountId } from './accounts';
import { buyerOrg } from './access';
import { resolvePeriod } from './statements';

/** The transaction kinds a buyer's statement lists (releases and sample credits are not its money). */
export const BUYER_STATEMENT_KINDS = [
	'trade_payment',
	'trade_refund',
	'invoice',
	'repayment',
	'write_off'
] as const;
export type BuyerStatementKind = (typeof BUYER_STATEMENT_KINDS)[number];

export interface BuyerStatementLine {
	transactionId: number;
	at: string;
	kind: BuyerStatementKind;
	/** The trade order (or sample) the money is about. */
	orderId: string | null;
	/** `INV<n>` for an invoice or write-off, the bank reference of a repayment. */
	refId: string | null;
	/** The order number and invoice as the trade module wrote them (`#20261203-0001 INV7`). */
	memo: string;
	/**
	 * The line's amount as the buyer sees it, positive: paid into escrow, refunded, invoiced,
	 * repaid or written off. Payments and refunds are the cash entries; the others the
	 * receivable's.
	 */
	amountFen: number;
	/** How the line moved what the buyer owes on terms (invoice +, repayment and write-off −). */
	owedFen: number;
	/** What the buyer owes on terms after the line. */
	balanceFen: number;
}

export interface BuyerStatement {
	org: { id: string; name: string; kind: 'buyer' };
	period: { from: string; to: string; label: string };
	/** Owed on terms at the start and end of the period (the buyer_receivable account). */
	openingFen: number;
	closingFen: number;
	/** Sum of `amountFen` per kind in the period. */
	totals: Partial<Record<BuyerStatementKind, number>>;
	lines: BuyerStatementLine[];
}

/**
 * The buyer organisation's statement for a period (`?month=` or `?from=&to=`, China days): its
 * escrow payments and refunds, invoices on terms, repayments and write-offs in posting order,
 * with the balance owed on terms running from the opening to the closing balance. The buyer's
 * own people and tokens read theirs, operators any buyer's; another organisation's → 404.
 */
export async function buyerStatement(
	actor: Principal,
	buyerOrgId: string,
	query: unknown = {}
): Promise<BuyerStatement> {
	const org = await buyerOrg(actor, buyerOrgId);
	const period = resolvePeriod(query);
	const receivable = accountId({ kind: 'buyer_receivable', orgId: org.id });
	const [opening] = await execRows<{ s: string | number }>(
		sql`select coalesce(sum(amount_fen), 0) as s from ledger_entries
			where account_id = ${receivable} and at < ${period.from.toISOString()}::timestamptz`
	);
	const rows = await execRows<{
		id: string | number;
		at: string | Date;
		kind: BuyerStatementKind;
		order_id: string | null;
		ref_id: string | null;
		memo: string;
		cash_fen: string | number;
		owed_fen: string | number;
	}>(
		sql`select t.id, t.at, t.kind, t.order_id, t.ref_id, t.memo,
				coalesce(sum(e.amount_fen) filter (where e.account_kind = 'cash'), 0) as cash_fen,
				coalesce(sum(e.amount_fen) filter (where e.account_id = ${receivable}), 0) as owed_fen
			from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
			where t.buyer_org_id = ${org.id}
				and t.at >= ${period.from.toISOString()}::timestamptz
				and t.at < ${period.to.toISOString()}::timestamptz
				and t.kind::text in (${sql.join(
					BUYER_STATEMENT_KINDS.map((k) => sql`${k}`),
					sql`, `
				)})
			group by t.id
			order by t.at, t.id`
	);
	const { lines, closingFen } = withRunningBalance(
		Number(opening!.s),
		rows.map((r) => {
			const cash = Number(r.cash_fen);
			const owed = Number(r.owed_fen);
			return {
				transactionId: Number(r.id),
				at: new Date(r.at).toISOString(),
				kind: r.kind,
				orderId: r.order_id,
				refId: r.ref_id,
				memo: r.memo,
				// cash in (payment, repayment) is a debit; cash back to the buyer (refund) a credit
				amountFen:
					r.kind === 'trade_payment' || r.kind === 'trade_refund' ? Math.abs(cash) : Math.abs(owed),
				owedFen: owed
			};
		})
	);
	const totals: Partial<Record<BuyerStatementKind, number>> = {};
	for (const l of lines) totals[l.kind] = (totals[l.kind] ?? 0) + l.amountFen;
	return {
		org: { id: org.id, name: org.name, kind: 'buyer' },
		period: { from: period.from.toISOString(), to: period.to.toISOString(), label: period.label },
		openingFen: Number(opening!.s),
		closingFen,
		totals,
		lines
	};
}
