// Read-only figures for the earnings, receivables and revenue pages. Balances are sums over the
// entries; "pending" figures are what unsettled sale lines will pay out under the rounding rule.
import { sql, type SQL } from 'drizzle-orm';
import { chinaDay, chinaDayStart, CHINA_OFFSET_MS } from '$lib/domain/ledger';
import { execRows } from '../db';
import { notFound } from '../errors';
import type { Principal } from '../auth/principal';
import { accountId } from './accounts';
import { authorizeParty, ownParty, requireOperator } from './access';
import { TRADE_TXN_KINDS } from './trade-money';

const DAY = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);

/**
 * `shareFen` (src/lib/domain/ledger.ts) in SQL, for sums over many unsettled lines: half up on a
 * non-negative amount, floor((amount × bp + 5000) / 10000) in integer arithmetic. Integration
 * tests compare its sums with the TypeScript rule.
 */
export const shareSql = (amount: SQL, bp: SQL) => sql`((${amount}) * (${bp}) + 5000) / 10000`;

const NET = sql`(s.gross_fen - s.refunded_fen)`;
const COMMISSION = shareSql(NET, sql`s.commission_bp`);
const FEE = shareSql(NET, sql`s.fee_bp`);
/** The China day of a timestamp column, as text. */
const chinaDaySql = (col: SQL) => sql`to_char((${col}) at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;

async function owed(kind: 'host_payable' | 'supplier_payable', orgId: string): Promise<number> {
	const [r] = await execRows<{ s: string | number }>(
		sql`select coalesce(-sum(amount_fen), 0) as s from ledger_entries
			where account_id = ${accountId({ kind, orgId })}`
	);
	return n(r!.s);
}

export interface DayPoint {
	day: string;
	settledFen: number;
	pendingFen: number;
}

function lastDays(now: Date, days: number): string[] {
	const today = chinaDayStart(chinaDay(now)).getTime();
	return Array.from({ length: days }, (_, i) =>
		chinaDay(new Date(today - (days - 1 - i) * DAY + CHINA_OFFSET_MS / 2))
	);
}

export interface HostEarnings {
	teamId: string;
	teamName: string;
	/** Commission owed to the team now (settled, less claw-backs and payouts). */
	balanceFen: number;
	/** Commission on sales not yet settled (still in escrow, may still be refunded). */
	pendingFen: number;
	/** Commission settled to date, net of claw-backs. */
	settledFen: number;
	paidOutFen: number;
	today: { salesFen: number; pendingFen: number; settledFen: number };
	shows: {
		showId: string | null;
		title: string | null;
		lines: number;
		salesFen: number;
		refundedFen: number;
		pendingFen: number;
		settledFen: number;
	}[];
	/** Last 30 China days: commission settled that day, and commission on that day's unsettled sales. */
	chart: DayPoint[];
}

/** A host team's earnings. Members of the team and the operator (naming a team) may read it. */
export async function hostEarnings(
	actor: Principal,
	opts: { teamId?: string; now?: Date } = {}
): Promise<HostEarnings> {
	const org = await authorizeParty(actor, opts.teamId ?? ownParty(actor, 'host_team'));
	if (org.kind !== 'host_team') throw notFound('Host team', 'teamId');
	const now = opts.now ?? new Date();
	const account = accountId({ kind: 'host_payable', orgId: org.id });
	const todayStart = chinaDayStart(chinaDay(now)).toISOString();
	const since = new Date(chinaDayStart(chinaDay(now)).getTime() - 29 * DAY).toISOString();
	const [totals] = await execRows(
		sql`select
			coalesce(-sum(amount_fen), 0) as balance,
			coalesce(-sum(amount_fen) filter (where t.kind in ('settlement', 'clawback')), 0) as settled,
			coalesce(sum(amount_fen) filter (where t.kind = 'payout'), 0) as paid_out,
			coalesce(-sum(amount_fen) filter (where t.kind in ('settlement', 'clawback')
				and e.at >= ${todayStart}::timestamptz), 0) as settled_today
		from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
		where e.account_id = ${account}`
	);
	const [pending] = await execRows(
		sql`select coalesce(sum(${COMMISSION}) filter (where s.settled_at is null), 0) as pending,
			coalesce(sum(${COMMISSION}) filter (where s.settled_at is null
				and s.paid_at >= ${todayStart}::timestamptz), 0) as pending_today,
			coalesce(sum(s.gross_fen - s.refunded_fen) filter (where s.paid_at >= ${todayStart}::timestamptz), 0) as sales_today
		from ledger_sales s where s.host_team_id = ${org.id}`
	);
	const shows = await execRows(
		sql`with sales as (
				select s.show_id, count(*) as lines, sum(s.gross_fen) as gross,
					sum(s.refunded_fen) as refunded,
					coalesce(sum(${COMMISSION}) filter (where s.settled_at is null), 0) as pending,
					max(s.paid_at) as last_paid
				from ledger_sales s where s.host_team_id = ${org.id} group by s.show_id
			), settled as (
				select e.show_id, -sum(e.amount_fen) as settled from ledger_entries e
				where e.account_id = ${account} and e.sale_line_id is not null group by e.show_id
			)
			select sales.*, coalesce(settled.settled, 0) as settled, sh.title
			from sales left join settled on settled.show_id is not distinct from sales.show_id
			left join shows sh on sh.id = sales.show_id
			order by sales.last_paid desc limit 50`
	);
	const settledByDay = await execRows(
		sql`select ${chinaDaySql(sql`e.at`)} as day, -sum(e.amount_fen) as s
			from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
			where e.account_id = ${account} and t.kind in ('settlement', 'clawback')
				and e.at >= ${since}::timestamptz
			group by 1`
	);
	const pendingByDay = await execRows(
		sql`select ${chinaDaySql(sql`s.paid_at`)} as day, sum(${COMMISSION}) as s
			from ledger_sales s
			where s.host_team_id = ${org.id} and s.settled_at is null and s.paid_at >= ${since}::timestamptz
			group by 1`
	);
	const sMap = new Map(settledByDay.map((r) => [String(r.day), n(r.s)]));
	const pMap = new Map(pendingByDay.map((r) => [String(r.day), n(r.s)]));
	return {
		teamId: org.id,
		teamName: org.name,
		balanceFen: n(totals!.balance),
		pendingFen: n(pending!.pending),
		settledFen: n(totals!.settled),
		paidOutFen: n(totals!.paid_out),
		today: {
			salesFen: n(pending!.sales_today),
			pendingFen: n(pending!.pending_today),
			settledFen: n(totals!.settled_today)
		},
		shows: shows.map((r) => ({
			showId: (r.show_id as string | null) ?? null,
			title: (r.title as string | null) ?? null,
			lines: n(r.lines),
			salesFen: n(r.gross),
			refundedFen: n(r.refunded),
			pendingFen: n(r.pending),
			settledFen: n(r.settled)
		})),
		chart: lastDays(now, 30).map((day) => ({
			day,
			settledFen: sMap.get(day) ?? 0,
			pendingFen: pMap.get(day) ?? 0
		}))
	};
}

export interface SupplierReceivables {
	supplierId: string;
	supplierName: string;
	/** Owed to the supplier now (settled, less charges and payouts). */
	balanceFen: number;
	/** The supplier's share of paid sales not yet settled. */
	pendingFen: number;
	/** Of which not yet delivered (no settlement date yet). */
	undeliveredFen: number;
	/** Delivered lines by the China day their return window ends. */
	upcoming: { day: string; lines: number; amountFen: number }[];
	/** Wholesale trade orders' escrow (issue 18): held until the buyer accepts, then released. */
	trade: TradeEscrow;
}

/** One trade order's money as the ledger holds it (from the trade transactions' entries). */
export interface TradeEscrowOrder {
	orderId: string;
	supplierId: string;
	/** Paid into escrow: the buyer's cash and any sample credit. */
	paidInFen: number;
	/** Still held in escrow for the order. */
	heldFen: number;
	/** Released from escrow: the supplier's part and the platform's wholesale fee. */
	releasedFen: number;
	supplierFen: number;
	feeFen: number;
	refundedFen: number;
	firstAt: string;
	lastAt: string;
}

export interface TradeEscrow {
	heldFen: number;
	releasedFen: number;
	supplierFen: number;
	feeFen: number;
	refundedFen: number;
	/** Orders with money in the ledger, latest movement first (at most 50). */
	orders: TradeEscrowOrder[];
}

const TRADE_KINDS = sql.raw(TRADE_TXN_KINDS.map((k) => `'${k}'`).join(', '));

/**
 * Trade orders' escrow from the ledger alone: a trade transaction carries its order id and, as
 * its party, the supplier (trade-money.ts); `supplierId` null → every supplier (operators).
 */
export async function tradeEscrow(supplierId: string | null, limit = 50): Promise<TradeEscrow> {
	const party = supplierId === null ? sql`t.org_id is not null` : sql`t.org_id = ${supplierId}`;
	const rows = await execRows(
		sql`with o as (
				select t.order_id, t.org_id,
					-coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'), 0) as held,
					-coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'
						and t.kind in ('trade_payment', 'sample_credit')), 0) as paid_in,
					coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'
						and t.kind = 'trade_release'), 0) as released,
					-coalesce(sum(e.amount_fen) filter (where e.account_kind = 'supplier_payable'
						and t.kind = 'trade_release'), 0) as supplier,
					-coalesce(sum(e.amount_fen) filter (where e.account_kind = 'platform_revenue'
						and t.kind = 'trade_release'), 0) as fee,
					coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'
						and t.kind = 'trade_refund'), 0) as refunded,
					min(t.at) as first_at, max(t.at) as last_at
				from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
				where ${party} and t.order_id is not null and t.kind in (${TRADE_KINDS})
				group by t.order_id, t.org_id
			)
			select o.*, count(*) over () as n,
				sum(held) over () as t_held, sum(released) over () as t_released,
				sum(supplier) over () as t_supplier, sum(fee) over () as t_fee,
				sum(refunded) over () as t_refunded
			from o order by (held <> 0) desc, last_at desc limit ${limit}`
	);
	const first = rows[0];
	return {
		heldFen: n(first?.t_held),
		releasedFen: n(first?.t_released),
		supplierFen: n(first?.t_supplier),
		feeFen: n(first?.t_fee),
		refundedFen: n(first?.t_refunded),
		orders: rows.map((r) => ({
			orderId: String(r.order_id),
			supplierId: String(r.org_id),
			paidInFen: n(r.paid_in),
			heldFen: n(r.held),
			releasedFen: n(r.released),
			supplierFen: n(r.supplier),
			feeFen: n(r.fee),
			refundedFen: n(r.refunded),
			firstAt: new Date(r.first_at as string).toISOString(),
			lastAt: new Date(r.last_at as string).toISOString()
		}))
	};
}

/** A supplier's receivables. Its staff and the operator (naming a supplier) may read them. */
export async function supplierReceivables(
	actor: Principal,
	opts: { supplierId?: string } = {}
): Promise<SupplierReceivables> {
	const org = await authorizeParty(actor, opts.supplierId ?? ownParty(actor, 'supplier'));
	if (org.kind !== 'supplier') throw notFound('Supplier', 'supplierId');
	const share = sql`(${NET} - ${COMMISSION} - ${FEE})`;
	const [p] = await execRows(
		sql`select coalesce(sum(${share}), 0) as pending,
			coalesce(sum(${share}) filter (where s.settle_after is null), 0) as undelivered
		from ledger_sales s where s.supplier_org_id = ${org.id} and s.settled_at is null`
	);
	const upcoming = await execRows(
		sql`select ${chinaDaySql(sql`s.settle_after`)} as day, count(*) as lines, sum(${share}) as amount
		from ledger_sales s
		where s.supplier_org_id = ${org.id} and s.settled_at is null and s.settle_after is not null
		group by 1 order by 1 limit 60`
	);
	return {
		supplierId: org.id,
		supplierName: org.name,
		balanceFen: await owed('supplier_payable', org.id),
		pendingFen: n(p!.pending),
		undeliveredFen: n(p!.undelivered),
		upcoming: upcoming.map((r) => ({
			day: String(r.day),
			lines: n(r.lines),
			amountFen: n(r.amount)
		})),
		trade: await tradeEscrow(org.id)
	};
}

export interface PlatformRevenue {
	revenueFen: number;
	/** Consumers' money held until settlement. */
	escrowFen: number;
	hostPayableFen: number;
	supplierPayableFen: number;
	pendingPayoutsFen: number;
	/** Platform fee by China month, newest first (last 12 months with postings). */
	byMonth: { month: string; feeFen: number }[];
	/** Wholesale trade orders' escrow across suppliers (issue 18). */
	trade: TradeEscrow;
	/** Parties the platform owes (or that owe it after claw-backs), largest first. */
	parties: {
		orgId: string;
		name: string;
		kind: 'host_payable' | 'supplier_payable';
		owedFen: number;
		pendingPayoutFen: number;
	}[];
}

/** The operator's view of platform revenue and what it holds and owes. Operators only. */
export async function platformRevenue(actor: Principal): Promise<PlatformRevenue> {
	requireOperator(actor);
	const byKind = await execRows(
		sql`select account_kind::text as kind, -sum(amount_fen) as s from ledger_entries group by 1`
	);
	const k = new Map(byKind.map((r) => [String(r.kind), n(r.s)]));
	const months = await execRows(
		sql`select to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, -sum(amount_fen) as s
		from ledger_entries where account_kind = 'platform_revenue' group by 1 order by 1 desc limit 12`
	);
	const parties = await execRows(
		sql`with bal as (
				select org_id, account_kind::text as kind, -sum(amount_fen) as owed from ledger_entries
				where account_kind in ('host_payable', 'supplier_payable') group by 1, 2
			), pend as (
				select org_id, sum(amount_fen) as pending from ledger_payouts where status = 'pending' group by 1
			)
			select bal.org_id, o.name, bal.kind, bal.owed, coalesce(pend.pending, 0) as pending
			from bal join orgs o on o.id = bal.org_id left join pend on pend.org_id = bal.org_id
			where bal.owed <> 0 or coalesce(pend.pending, 0) <> 0
			order by bal.owed desc limit 200`
	);
	const [pp] = await execRows(
		sql`select coalesce(sum(amount_fen), 0) as s from ledger_payouts where status = 'pending'`
	);
	return {
		revenueFen: k.get('platform_revenue') ?? 0,
		escrowFen: k.get('escrow') ?? 0,
		hostPayableFen: k.get('host_payable') ?? 0,
		supplierPayableFen: k.get('supplier_payable') ?? 0,
		pendingPayoutsFen: n(pp!.s),
		trade: await tradeEscrow(null),
		byMonth: months.map((r) => ({ month: String(r.month), feeFen: n(r.s) })),
		parties: parties.map((r) => ({
			orgId: String(r.org_id),
			name: String(r.name),
			kind: r.kind as 'host_payable' | 'supplier_payable',
			owedFen: n(r.owed),
			pendingPayoutFen: n(r.pending)
		}))
	};
}
