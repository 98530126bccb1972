import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { shareFen } from '../../src/lib/domain/ledger';
import { db, execRows } from '../../src/lib/server/db';
import { orgs } from '../../src/lib/server/db/schema';
import type { SaleLineInput } from '../../src/lib/server/ledger/service';

/** Organisations for postings (the ledger only needs them to exist). */
export async function makeOrg(kind: 'supplier' | 'host_team' | 'platform', name?: string) {
	const [o] = await db()
		.insert(orgs)
		.values({ kind, name: name ?? `${kind} ${randomUUID().slice(0, 6)}` })
		.returning({ id: orgs.id });
	return o!.id;
}

/** A sale line as the orders service would send it. */
export function saleLine(
	orderId: string,
	over: Partial<SaleLineInput> & Pick<SaleLineInput, 'supplierOrgId' | 'hostTeamId'>
): SaleLineInput {
	return {
		saleLineId: randomUUID(),
		orderId,
		fulfilmentId: null,
		showId: null,
		lotId: randomUUID(),
		quantity: 1,
		grossFen: 10_000,
		commissionBp: 1500,
		...over
	};
}

/** What the platform owes the party on an account kind (credits positive), from the entries. */
export async function owedTo(kind: string, orgId: string | null): Promise<number> {
	const [r] = await execRows<{ s: string | number }>(
		sql`select coalesce(-sum(amount_fen), 0)::bigint as s from ledger_entries
			where account_kind = ${kind}::ledger_account_kind
			and org_id is not distinct from ${orgId}::uuid`
	);
	return Number(r!.s);
}

/** Escrow held for one sale line (what the consumers' money account owes for it). */
export async function escrowOf(saleLineId: string): Promise<number> {
	const [r] = await execRows<{ s: string | number }>(
		sql`select coalesce(-sum(amount_fen), 0)::bigint as s from ledger_entries
			where account_kind = 'escrow' and sale_line_id = ${saleLineId}`
	);
	return Number(r!.s);
}

export async function counts() {
	const [r] = await execRows<{ t: number; e: number }>(
		sql`select (select count(*) from ledger_transactions)::int as t,
			(select count(*) from ledger_entries)::int as e`
	);
	return { transactions: Number(r!.t), entries: Number(r!.e) };
}

/**
 * The ledger's invariants, checked from the rows: every transaction has two or more entries
 * summing to zero; no sale line's escrow is negative; an unsettled line holds exactly what is
 * left of its payment, a settled one nothing; a settled line's host commission, platform fee and
 * supplier share are exactly the rounding rule's shares of paid − refunded; the bookkeeping
 * columns agree with the entries.
 */
export async function expectLedgerInvariants() {
	const unbalanced = await execRows(
		sql`select t.id from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id
			group by t.id having count(e.id) < 2 or coalesce(sum(e.amount_fen), 0) <> 0`
	);
	expect(unbalanced).toEqual([]);
	const rows = await execRows<{
		sale_line_id: string;
		gross_fen: string | number;
		refunded_fen: string | number;
		commission_bp: number;
		fee_bp: number;
		settled: boolean;
		settled_net_fen: string | number | null;
		escrow: string | number;
		host: string | number;
		fee: string | number;
		supplier: string | number;
		refunds: string | number;
	}>(sql`select s.sale_line_id, s.gross_fen, s.refunded_fen, s.commission_bp, s.fee_bp,
			s.settled_at is not null as settled, s.settled_net_fen,
			coalesce(-sum(e.amount_fen) filter (where e.account_kind = 'escrow'), 0) as escrow,
			coalesce(-sum(e.amount_fen) filter (where e.account_kind = 'host_payable'), 0) as host,
			coalesce(-sum(e.amount_fen) filter (where e.account_kind = 'platform_revenue'), 0) as fee,
			coalesce(-sum(e.amount_fen) filter (where e.account_kind = 'supplier_payable'), 0) as supplier,
			coalesce(-sum(e.amount_fen) filter (where e.account_kind = 'cash'
				and t.kind in ('refund', 'clawback')), 0) as refunds
		from ledger_sales s
		left join ledger_entries e on e.sale_line_id = s.sale_line_id
		left join ledger_transactions t on t.id = e.transaction_id
		group by s.sale_line_id`);
	for (const r of rows) {
		const gross = Number(r.gross_fen);
		const refunded = Number(r.refunded_fen);
		const net = gross - refunded;
		const escrow = Number(r.escrow);
		expect(escrow).toBeGreaterThanOrEqual(0);
		expect(Number(r.refunds)).toBe(refunded);
		if (!r.settled) {
			expect(escrow).toBe(net);
			expect(Number(r.host)).toBe(0);
			expect(Number(r.supplier)).toBe(0);
		} else {
			expect(escrow).toBe(0);
			const commission = shareFen(net, r.commission_bp);
			const fee = shareFen(net, r.fee_bp);
			expect(Number(r.host)).toBe(commission);
			expect(Number(r.fee)).toBe(fee);
			expect(Number(r.supplier)).toBe(net - commission - fee);
		}
	}
	return rows.length;
}
