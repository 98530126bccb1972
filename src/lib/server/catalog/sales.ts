import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Policy } from '$lib/domain/policy';
import { db, uuidArray, type DbOrTx } from '../db';
import { lotSales, lots, settings } from '../db/schema';
import { notFound, parse } from '../errors';
import { installedModules } from '../module';
import { currentPolicy } from '../platform/policy';
import { SaleInput } from './schemas';
import { rowsOf } from './search';

/**
 * Records a sale of a lot, inside the caller's transaction (the catalog's sale.recorded subscriber:
 * other modules publish that event when a sale is paid), and brings the lot's 7-day sales and repurchase rate up to date in the same
 * transaction. A repeated `orderRef` on the same channel is counted once.
 * Returns false when that order was already recorded.
 */
export async function recordSale(tx: DbOrTx, raw: SaleInput, policy?: Policy): Promise<boolean> {
	const input = parse(SaleInput, raw);
	const p = policy ?? currentPolicy();
	const [lot] = await tx
		.select({ supplierId: lots.supplierId })
		.from(lots)
		.where(eq(lots.id, input.lotId))
		.limit(1);
	if (!lot) throw notFound('Lot', 'lotId');
	const inserted = await tx
		.insert(lotSales)
		.values({
			lotId: input.lotId,
			supplierId: lot.supplierId,
			buyerKey: input.buyerKey,
			quantity: input.quantity,
			amountFen: input.amountFen,
			channel: input.channel,
			orderRef: input.orderRef ?? null,
			soldAt: input.soldAt ?? new Date()
		})
		.onConflictDoNothing()
		.returning({ id: lotSales.id });
	if (inserted.length === 0) return false;
	// Only the sold lot is updated here (the order holds its row already); other lots of the
	// supplier this buyer bought get their repurchase rate from the next scheduled run, so an
	// order never locks lots it did not sell (no lock-order deadlocks with stock changes).
	await refreshLotSales(tx, [input.lotId], p);
	await refreshRepurchase(tx, { lotIds: [input.lotId] }, p);
	return true;
}

/** sales_7d of some lots, from the facts. */
export async function refreshLotSales(tx: DbOrTx, lotIds: string[], policy: Policy): Promise<void> {
	if (lotIds.length === 0) return;
	const since = new Date(Date.now() - policy.catalog.salesWindowDays * 86_400_000);
	await tx.execute(sql`
		update ${lots} l set sales_7d = coalesce((
			select sum(s.quantity) from ${lotSales} s where s.lot_id = l.id and s.sold_at > ${since.toISOString()}::timestamptz
		), 0)::int
		from (${lockedInOrder(sql`id = any(${uuidArray(lotIds)})`)}) lk
		where l.id = lk.id`);
}

/**
 * The lots a stats update will write, locked first in id order (the order every stock path
 * locks lots in): an update that met its rows in another order could deadlock with an order
 * batch holding some of them.
 */
function lockedInOrder(where: SQL): SQL {
	return sql`select id from ${lots} where ${where} order by id for update`;
}

/**
 * `wilsonLowerBoundBp(successes, n, z)` of domain/repurchase.ts as a SQL expression: the same
 * operations in the same order on double precision (z² computed here, as there), so the stored
 * rank is exactly the domain function's (tests/integration/catalog-sales.test.ts compares).
 */
function wilsonLowerBoundSql(successes: SQL, n: SQL, z: number): SQL {
	const zz = z * z;
	const p = sql`(${successes}::float8 / ${n}::float8)`;
	const nn = sql`${n}::float8`;
	return sql`(case when ${n} = 0 then 0 else least(10000, greatest(0, floor(
		(${p} + ${zz}::float8 / (2 * ${nn}) - ${z}::float8 * sqrt((${p} * (1 - ${p}) + ${zz}::float8 / (4 * ${nn})) / ${nn}))
		/ (1 + ${zz}::float8 / ${nn}) * 10000))) end)::int`;
}

/**
 * Repurchase rate (回头率) of a lot: of the buyers who bought this lot in the window, the share
 * who bought from the same supplier more than once (any of its lots, separate sales). A new
 * sale by buyer b from supplier S can change the rate of every lot of S that b bought, so those
 * are the lots refreshed; `pairs` does the same for many (supplier, buyer) pairs at once, a
 * supplier alone refreshes all its lots, and no scope recomputes every lot.
 */
export async function refreshRepurchase(
	tx: DbOrTx,
	scope: {
		supplierId?: string;
		buyerKey?: string;
		pairs?: { supplierId: string; buyerKey: string }[];
		lotIds?: string[];
	},
	policy: Policy
): Promise<number> {
	const since = new Date(
		Date.now() - policy.catalog.repurchaseWindowDays * 86_400_000
	).toISOString();
	let target: SQL;
	let scoped = true;
	if (scope.lotIds) {
		if (scope.lotIds.length === 0) return 0;
		target = sql`select id as lot_id from ${lots} where id = any(${uuidArray(scope.lotIds)})`;
	} else if (scope.pairs) {
		if (scope.pairs.length === 0) return 0;
		// One JSON parameter, however many pairs a minute of a flash sale brings (a parameter per
		// value stops at 65,535).
		const pairs = JSON.stringify(scope.pairs.map((p) => ({ s: p.supplierId, b: p.buyerKey })));
		target = sql`select distinct s.lot_id from ${lotSales} s
			join json_to_recordset(${pairs}::json) as p(s uuid, b text)
			on p.s = s.supplier_id and p.b = s.buyer_key`;
	} else if (scope.buyerKey && scope.supplierId) {
		target = sql`select distinct lot_id from ${lotSales} where supplier_id = ${scope.supplierId}::uuid and buyer_key = ${scope.buyerKey}`;
	} else if (scope.supplierId) {
		target = sql`select id as lot_id from ${lots} where supplier_id = ${scope.supplierId}::uuid`;
	} else {
		scoped = false;
		target = sql`select id as lot_id from ${lots} where repurchase_bp > 0 or repurchase_buyers > 0
			union select distinct lot_id from ${lotSales} where sold_at > ${since}::timestamptz`;
	}
	// Window sales of the target lots; for a full run, every sale in the window.
	const w = scoped
		? sql`select s.lot_id, s.supplier_id, s.buyer_key from ${lotSales} s
				where s.sold_at > ${since}::timestamptz and s.lot_id in (select lot_id from target)`
		: sql`select lot_id, supplier_id, buyer_key from ${lotSales} where sold_at > ${since}::timestamptz`;
	// Whether a buyer came back counts every lot of the supplier, not only the target lots.
	const repeaters = scoped
		? sql`select s.supplier_id, s.buyer_key from ${lotSales} s
				join (select distinct supplier_id, buyer_key from w) p
				  on p.supplier_id = s.supplier_id and p.buyer_key = s.buyer_key
				where s.sold_at > ${since}::timestamptz group by 1, 2 having count(*) > 1`
		: sql`select supplier_id, buyer_key from w group by 1, 2 having count(*) > 1`;
	const res = await tx.execute(sql`
		with target as (${target}),
		w as (${w}),
		repeaters as (${repeaters}),
		lb as (select distinct lot_id, supplier_id, buyer_key from w),
		counts as (
			select lb.lot_id, count(r.buyer_key)::int as repeat, count(*)::int as buyers
			from lb left join repeaters r on r.supplier_id = lb.supplier_id and r.buyer_key = lb.buyer_key
			group by lb.lot_id
		),
		rates as (
			select lot_id, buyers, (repeat * 10000 / buyers)::int as bp,
				${wilsonLowerBoundSql(sql`repeat`, sql`buyers`, policy.catalog.repurchaseConfidenceZ)} as rank_bp
			from counts
		),
		-- the lots whose rate, buyers or rank change, locked in id order (see lockedInOrder)
		lk as (
			select l.id, coalesce(rates.bp, 0) as bp, coalesce(rates.buyers, 0) as buyers,
				coalesce(rates.rank_bp, 0) as rank_bp
			from ${lots} l join target on target.lot_id = l.id left join rates on rates.lot_id = l.id
			where (l.repurchase_bp, l.repurchase_buyers, l.repurchase_rank_bp)
				is distinct from (coalesce(rates.bp, 0), coalesce(rates.buyers, 0), coalesce(rates.rank_bp, 0))
			order by l.id for update of l
		)
		update ${lots} l set repurchase_bp = lk.bp, repurchase_buyers = lk.buyers,
			repurchase_rank_bp = lk.rank_bp
		from lk where l.id = lk.id
		returning l.id`);
	return rowsOf(res).length;
}

const MARKER = { scope: 'catalog', key: 'sales_stats_refreshed_at' } as const;
const DAY = 86_400_000;

/**
 * The scheduled refresh. First it copies the facts of the registered sources (dropship orders)
 * that finished since the last run into lot_sales. Sales change the figures when they are
 * recorded and when they leave a window, so after a first full run this touches only the lots
 * with facts recorded since the last run and those whose sales crossed the 7-day or the
 * repurchase window (a marker in `settings` remembers when that was, and up to which
 * transaction the sources were read). `full` recomputes every lot.
 */
export async function refreshSalesStats(
	opts: { policy?: Policy; full?: boolean } = {}
): Promise<{ sales: number; repurchase: number; full: boolean }> {
	const p = opts.policy ?? currentPolicy();
	const now = new Date();
	return db().transaction(async (tx) => {
		const [m] = await tx
			.select({ value: settings.value })
			.from(settings)
			.where(and(eq(settings.scope, MARKER.scope), eq(settings.key, MARKER.key)))
			.for('update')
			.limit(1);
		const marker = m?.value as { at?: unknown; xact?: unknown } | undefined;
		const at = marker?.at;
		const lastAt = typeof at === 'string' ? new Date(at) : null;
		const full = !!opts.full || !lastAt || Number.isNaN(lastAt.getTime()) || lastAt > now;
		// Facts of other modules' tables, up to the oldest transaction still running. The first
		// run reads from the first transaction (0 marks rows from before sources existed).
		const [h] = rowsOf(
			await tx.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`)
		);
		const horizon = Number(h!.horizon);
		const from = typeof marker?.xact === 'number' ? marker.xact : 1;
		const pulled = await pullSaleFacts(tx, from, horizon);
		let sales: number;
		let repurchase: number;
		if (full) {
			const since = new Date(now.getTime() - p.catalog.salesWindowDays * DAY).toISOString();
			const res = await tx.execute(sql`
				with agg as (
					select lot_id, sum(quantity)::int as q from ${lotSales}
					where sold_at > ${since}::timestamptz group by lot_id
				),
				target as (select id as lot_id from ${lots} where sales_7d > 0 union select lot_id from agg)
				update ${lots} l set sales_7d = coalesce(agg.q, 0)
				from target left join agg on agg.lot_id = target.lot_id
				where l.id = target.lot_id and l.sales_7d is distinct from coalesce(agg.q, 0)
				returning l.id`);
			sales = rowsOf(res).length;
			repurchase = await refreshRepurchase(tx, {}, p);
		} else {
			const crossed = (days: number) =>
				sql`sold_at > ${new Date(lastAt!.getTime() - days * DAY).toISOString()}::timestamptz
					and sold_at <= ${new Date(now.getTime() - days * DAY).toISOString()}::timestamptz`;
			// Lots whose sales left the window, and lots with sales recorded since the last run.
			const found = rowsOf(
				await tx.execute(
					sql`select lot_id from ${lotSales} where ${crossed(p.catalog.salesWindowDays)}
						union select lot_id from ${lotSales} where recorded_at > ${lastAt!.toISOString()}::timestamptz`
				)
			).map((r) => String(r.lot_id));
			// (the pulled facts are recorded now, so the query finds them too, unless the database's
			// clock and this process's disagree)
			const ids = [...new Set([...found, ...pulled.lotIds])];
			await refreshLotSales(tx, ids, p);
			sales = ids.length;
			// Buyers whose sales left the window, and buyers who bought since the last run (their
			// other lots at that supplier were not updated when the sale was recorded).
			const pairs = rowsOf(
				await tx.execute(
					sql`select distinct supplier_id, buyer_key from ${lotSales}
						where (${crossed(p.catalog.repurchaseWindowDays)})
						   or recorded_at > ${lastAt!.toISOString()}::timestamptz`
				)
			).map((r) => ({ supplierId: String(r.supplier_id), buyerKey: String(r.buyer_key) }));
			// (a pair twice is harmless: the target lots are selected distinct)
			repurchase = await refreshRepurchase(tx, { pairs: [...pairs, ...pulled.pairs] }, p);
		}
		const value = { at: now.toISOString(), xact: Math.max(from, horizon) };
		await tx
			.insert(settings)
			.values({ ...MARKER, value })
			.onConflictDoUpdate({
				target: [settings.scope, settings.key],
				set: { value, updatedAt: now }
			});
		return { sales, repurchase, full };
	});
}

/**
 * Copies the installed modules' sale facts (Module.saleFacts) of the transactions in [from, horizon) into lot_sales
 * (a fact copied before is skipped by its order_ref), and returns the lots and (supplier, buyer)
 * pairs of the new ones. `horizon` is the oldest transaction still running when the job read it,
 * so every transaction below it has finished and its rows are visible to this statement (READ
 * COMMITTED takes a new snapshot per statement): each run reads exactly the transactions that
 * finished since the last, whatever order they committed in.
 */
async function pullSaleFacts(
	tx: DbOrTx,
	from: number,
	horizon: number
): Promise<{ lotIds: string[]; pairs: { supplierId: string; buyerKey: string }[] }> {
	const lotIds = new Set<string>();
	const pairs = new Map<string, { supplierId: string; buyerKey: string }>();
	if (horizon <= from) return { lotIds: [], pairs: [] };
	for (const source of installedModules().flatMap((m) => m.saleFacts ?? [])) {
		const rows = rowsOf(
			await tx.execute(sql`insert into ${lotSales} (lot_id, supplier_id, buyer_key, quantity,
					amount_fen, channel, order_ref, sold_at)
				select f.lot_id, f.supplier_id, f.buyer_key, f.quantity, f.amount_fen, f.channel,
					f.order_ref, f.sold_at
				from (${source({ from, to: horizon })}) f
				on conflict (channel, order_ref) do nothing
				returning lot_id, supplier_id, buyer_key`)
		);
		for (const r of rows) {
			lotIds.add(String(r.lot_id));
			const supplierId = String(r.supplier_id);
			const buyerKey = String(r.buyer_key);
			pairs.set(`${supplierId}\u0000${buyerKey}`, { supplierId, buyerKey });
		}
	}
	return { lotIds: [...lotIds], pairs: [...pairs.values()] };
}
