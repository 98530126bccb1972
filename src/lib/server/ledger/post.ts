import { sql, type SQL } from 'drizzle-orm';
import { transaction, type Posting } from '$lib/domain/ledger';
import { execRows, jsonValue, type DbOrTx } from '../db';
import { accountId } from './accounts';
import type { ledgerTxnKind } from '../db/schema';

export type TxnKind = (typeof ledgerTxnKind.enumValues)[number];

/**
 * A posting as written: the domain's `Posting`, except that an entry may name an item of its own
 * without a lot (a trade order's freight, see docs/LEDGER.md "Wholesale trade").
 */
export type LedgerPosting = Omit<Posting, 'line'> & {
	line?: { saleLineId: string; lotId: string | null };
};

/** One business event's posting, as the service builds it from the pure rules. */
export interface NewTransaction {
	kind: TxnKind;
	/** Unique per event: a second posting with the same key is ignored. */
	key: string;
	at: Date;
	saleLineId?: string | null;
	orderId?: string | null;
	showId?: string | null;
	lotId?: string | null;
	orgId?: string | null;
	/** The buyer organisation of a trade transaction (its statement reads by it). */
	buyerOrgId?: string | null;
	refId?: string | null;
	memo?: string;
	postings: LedgerPosting[];
}

export interface PostResult {
	transactions: number;
	entries: number;
	/** Transaction id by idempotency key, for those written now (not the ignored repeats). */
	ids: Map<string, number>;
}

/**
 * Writes postings as ledger transactions and entries: the only code that inserts into
 * ledger_transactions and ledger_entries. Every set is checked balanced here (and again by the
 * database trigger); zero postings are dropped and a set with nothing left posts nothing. Any
 * number of transactions go in one statement (accounts, transactions and entries through
 * jsonb_to_recordset), so a settlement batch is as cheap per line as a single event. Runs in the
 * caller's transaction; repeats of an idempotency key are skipped, not errors.
 */
export async function post(tx: DbOrTx, txns: NewTransaction[]): Promise<PostResult> {
	const statement = postStatement(txns);
	if (!statement) return { transactions: 0, entries: 0, ids: new Map() };
	const [r] = await execRows<PostRow>(statement, tx);
	return postResult(r!);
}

/** The row `postStatement` returns. */
export interface PostRow extends Record<string, unknown> {
	transactions: number;
	entries: number;
	ids: unknown;
}

export function postResult(r: PostRow): PostResult {
	const ids = new Map<string, number>(
		jsonValue<[string, number][]>(r.ids).map(([k, id]) => [k, Number(id)])
	);
	return { transactions: Number(r.transactions), entries: Number(r.entries), ids };
}

/**
 * The one statement `post` runs, for a caller that sends it itself (pipelined in its own
 * transaction); null when there is nothing to post. Its row reads with `postResult`.
 */
export function postStatement(txns: NewTransaction[]): SQL | null {
	const heads: Record<string, unknown>[] = [];
	const entries: Record<string, unknown>[] = [];
	const accounts = new Map<string, { id: string; kind: string; org_id: string | null }>();
	for (const t of txns) {
		const postings = transaction(t.postings);
		if (postings.length < 2) continue;
		heads.push({
			k: t.key,
			kind: t.kind,
			at: t.at.toISOString(),
			sale_line_id: t.saleLineId ?? null,
			order_id: t.orderId ?? null,
			show_id: t.showId ?? null,
			lot_id: t.lotId ?? null,
			org_id: t.orgId ?? null,
			buyer_org_id: t.buyerOrgId ?? null,
			ref_id: t.refId ?? null,
			memo: t.memo ?? ''
		});
		for (const p of postings) {
			const id = accountId(p.account);
			accounts.set(id, { id, kind: p.account.kind, org_id: p.account.orgId });
			entries.push({
				k: t.key,
				account_id: id,
				account_kind: p.account.kind,
				org_id: p.account.orgId,
				amount_fen: p.amountFen,
				sale_line_id: p.line?.saleLineId ?? null,
				lot_id: p.line?.lotId ?? null
			});
		}
	}
	if (heads.length === 0) return null;
	// Accounts that exist already (nearly always) are filtered out before the insert, so concurrent
	// postings do not wait on each other in the unique index. New accounts go in the same
	// statement as the entries that reference them (foreign keys are checked at its end).
	return sql`with acc as (
			insert into ledger_accounts (id, kind, org_id)
			select id, kind, org_id from jsonb_to_recordset(${JSON.stringify(
				[...accounts.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
			)}::jsonb)
				as x(id uuid, kind ledger_account_kind, org_id uuid)
			where not exists (select 1 from ledger_accounts a where a.id = x.id)
			on conflict do nothing
		), t as (
			select * from jsonb_to_recordset(${JSON.stringify(heads)}::jsonb) as x(
				k text, kind ledger_txn_kind, at timestamptz, sale_line_id uuid, order_id uuid,
				show_id uuid, lot_id uuid, org_id uuid, buyer_org_id uuid, ref_id text, memo text)
		), ins as (
			insert into ledger_transactions
				(kind, idempotency_key, at, sale_line_id, order_id, show_id, lot_id, org_id, buyer_org_id,
					ref_id, memo)
			select kind, k, at, sale_line_id, order_id, show_id, lot_id, org_id, buyer_org_id, ref_id,
				memo from t
			on conflict (idempotency_key) do nothing
			returning id, idempotency_key, at, sale_line_id, order_id, show_id, lot_id
		), e as (
			select * from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as y(
				k text, account_id uuid, account_kind ledger_account_kind, org_id uuid, amount_fen bigint,
				sale_line_id uuid, lot_id uuid)
		), ent as (
			-- an entry names its own sale line and lot when its transaction covers several
			insert into ledger_entries (transaction_id, account_id, account_kind, org_id, amount_fen,
				at, sale_line_id, order_id, show_id, lot_id)
			select ins.id, e.account_id, e.account_kind, e.org_id, e.amount_fen,
				ins.at, coalesce(e.sale_line_id, ins.sale_line_id), ins.order_id, ins.show_id,
				coalesce(e.lot_id, ins.lot_id)
			from e join ins on ins.idempotency_key = e.k
			returning 1
		)
		select (select count(*) from ins)::int as transactions,
			(select count(*) from ent)::int as entries,
			coalesce((select json_agg(json_build_array(idempotency_key, id)) from ins), '[]'::json) as ids`;
}
