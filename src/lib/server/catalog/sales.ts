import { eq, sql } from 'drizzle-orm';
import type { Policy } from '$lib/domain/policy';
import { db, type DbOrTx } from '../db';
import { lotSales, lots } from '../db/schema';
import { AppError, parse } from '../errors';
import { logger } from '../log';
import { currentPolicy } from './policy';
import { SaleInput } from './schemas';
import { rowsOf } from './search';

/**
 * Records a sale of a lot, inside the caller's transaction (order services call this when an
 * order is paid), and brings the lot's 7-day sales and the repurchase rates it affects up to
 * date in the same transaction. A repeated `orderRef` on the same channel is counted once.
 * Returns false when that order was already recorded.
 */
export async function recordSale(tx: DbOrTx, raw: SaleInput, policy?: Policy): Promise<boolean> {
	const input = parse(SaleInput, raw);
	const p = policy ?? (await currentPolicy(tx));
	const [lot] = await tx
		.select({ supplierId: lots.supplierId })
		.from(lots)
		.where(eq(lots.id, input.lotId))
		.limit(1);
	if (!lot) throw new AppError('not_found', 'not_found', 'Lot not found.', { field: 'lotId' });
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
	await refreshLotSales(tx, [input.lotId], p);
	await refreshRepurchase(tx, { supplierId: lot.supplierId, buyerKey: input.buyerKey }, p);
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
		where l.id in (${sql.join(
			lotIds.map((id) => sql`${id}::uuid`),
			sql`, `
		)})`);
}

/**
 * Repurchase rate (回头率) of a lot: of the buyers who bought this lot in the window, the share
 * who bought from the same supplier more than once (any of its lots, separate sales). A new
 * sale by buyer b from supplier S can change the rate of every lot of S that b bought, so those
 * are the lots refreshed; with no buyer given, every lot of the supplier is.
 */
export async function refreshRepurchase(
	tx: DbOrTx,
	scope: { supplierId?: string; buyerKey?: string },
	policy: Policy
): Promise<number> {
	const since = new Date(
		Date.now() - policy.catalog.repurchaseWindowDays * 86_400_000
	).toISOString();
	const target = scope.buyerKey
		? sql`select distinct lot_id from ${lotSales} where supplier_id = ${scope.supplierId!}::uuid and buyer_key = ${scope.buyerKey}`
		: scope.supplierId
			? sql`select id as lot_id from ${lots} where supplier_id = ${scope.supplierId}::uuid`
			: sql`select id as lot_id from ${lots} where repurchase_bp > 0 union select distinct lot_id from ${lotSales} where sold_at > ${since}::timestamptz`;
	const res = await tx.execute(sql`
		with target as (${target}),
		buyers as (
			select s.lot_id, s.supplier_id, s.buyer_key
			from ${lotSales} s join target t on t.lot_id = s.lot_id
			where s.sold_at > ${since}::timestamptz
			group by s.lot_id, s.supplier_id, s.buyer_key
		),
		repeaters as (
			select supplier_id, buyer_key from ${lotSales}
			where sold_at > ${since}::timestamptz
			  and (supplier_id, buyer_key) in (select supplier_id, buyer_key from buyers)
			group by supplier_id, buyer_key having count(*) > 1
		),
		rates as (
			select b.lot_id,
				(count(*) filter (where r.buyer_key is not null) * 10000 / count(*))::int as bp
			from buyers b left join repeaters r on r.supplier_id = b.supplier_id and r.buyer_key = b.buyer_key
			group by b.lot_id
		)
		update ${lots} l set repurchase_bp = coalesce(rates.bp, 0)
		from target left join rates on rates.lot_id = target.lot_id
		where l.id = target.lot_id and l.repurchase_bp is distinct from coalesce(rates.bp, 0)
		returning l.id`);
	return rowsOf(res).length;
}

/**
 * The scheduled refresh: rolls the 7-day window forward (sales that left it stop counting)
 * and recomputes repurchase rates whose window moved. Only lots with recent sales or a
 * non-zero figure are touched.
 */
export async function refreshSalesStats(
	policy?: Policy
): Promise<{ sales: number; repurchase: number }> {
	const p = policy ?? (await currentPolicy());
	const since = new Date(Date.now() - p.catalog.salesWindowDays * 86_400_000).toISOString();
	return db().transaction(async (tx) => {
		const res = await tx.execute(sql`
			with target as (
				select id as lot_id from ${lots} where sales_7d > 0
				union select distinct lot_id from ${lotSales} where sold_at > ${since}::timestamptz
			),
			agg as (
				select s.lot_id, sum(s.quantity)::int as q from ${lotSales} s
				where s.sold_at > ${since}::timestamptz group by s.lot_id
			)
			update ${lots} l set sales_7d = coalesce(agg.q, 0)
			from target left join agg on agg.lot_id = target.lot_id
			where l.id = target.lot_id and l.sales_7d is distinct from coalesce(agg.q, 0)
			returning l.id`);
		const repurchase = await refreshRepurchase(tx, {}, p);
		return { sales: rowsOf(res).length, repurchase };
	});
}

/**
 * Starts the periodic refresh (server process only); returns a stop function. The caller
 * registers it with onShutdown.
 */
export function startSalesStatsJob(everyMs?: number): () => void {
	let running = false;
	let stopped = false;
	let timer: ReturnType<typeof setInterval> | undefined;
	const tick = async () => {
		if (running || stopped) return;
		running = true;
		try {
			const r = await refreshSalesStats();
			if (r.sales || r.repurchase) logger().info(r, 'catalog sales stats refreshed');
		} catch (err) {
			logger().warn({ err }, 'catalog sales stats refresh failed');
		} finally {
			running = false;
		}
	};
	void currentPolicy().then((p) => {
		if (stopped) return;
		timer = setInterval(() => void tick(), everyMs ?? p.catalog.statsRefreshMinutes * 60_000);
		timer.unref();
	});
	void tick();
	return () => {
		stopped = true;
		if (timer) clearInterval(timer);
	};
}
