// Order placement, step 3 (write): everything a batch decided, in one statement.
import { sql, type SQL } from 'drizzle-orm';
import type { DecisionLock } from '$lib/domain/order-decision';
import { uuidArray } from '../db';
import type { fulfilments, orderLines } from '../db/schema';
import { CONSUMED_LOTS, consumeCtes } from '../stock';
import { json } from './place-claim';

export interface BatchWrite {
	showId: string;
	/** Orders claimed by the batch and refused: their rows are deleted. */
	refused: string[];
	/** The show's locks the batch took units of (`take > 0`), sorted by id. */
	taken: DecisionLock[];
	/** Per lot (sorted by id): units allocated, of which `fromLocks` came from the locks. */
	totals: { id: string; fromLocks: number; total: number }[];
	fulfilments: (typeof fulfilments.$inferInsert)[];
	lines: (typeof orderLines.$inferInsert)[];
	events: Record<string, unknown>[];
	actor: { userId: string | null; tokenId: string | null };
}

/**
 * The batch's write statement: refused orders' rows deleted; the stock module's consumption
 * (locks, lock events, lots' counters); the show's sold counters, fulfilments, lines and their
 * events (the sale facts for the catalog's stats are read from these rows later, by its job:
 * see sale-facts.ts). Returns the lots' counters after it and the fulfilments' numbers.
 */
export function writeStatement(w: BatchWrite): SQL {
	const { showId } = w;
	return sql`with del as (
				delete from orders where id = any(${uuidArray(w.refused)})
			), ${consumeCtes({ showId, taken: w.taken, lots: w.totals, actor: w.actor })}, sold as (
				insert into show_lot_sales (show_id, lot_id, sold)
				select ${showId}::uuid, v.id, v.total
				from json_to_recordset(${json(
					w.totals.map((t) => ({ id: t.id, from_locks: t.fromLocks, total: t.total }))
				)}) as v(id uuid, total int)
				on conflict (show_id, lot_id) do update set sold = show_lot_sales.sold + excluded.sold
			), fu as (
				insert into fulfilments (id, order_id, show_id, team_id, supplier_id, warehouse_province,
					warehouse_city, packaging, ship_to)
				select x.id, x.order_id, ${showId}::uuid, x.team_id, x.supplier_id, x.warehouse_province,
					x.warehouse_city, x.packaging, x.ship_to
				from json_to_recordset(${json(
					w.fulfilments.map((f, n) => ({
						n,
						id: f.id,
						order_id: f.orderId,
						team_id: f.teamId,
						supplier_id: f.supplierId,
						warehouse_province: f.warehouseProvince,
						warehouse_city: f.warehouseCity,
						packaging: f.packaging,
						ship_to: f.shipTo
					}))
				)}) as x(n int, id uuid, order_id uuid, team_id uuid, supplier_id uuid,
					warehouse_province text, warehouse_city text, packaging text[], ship_to jsonb)
				order by x.n
				returning id, number, created_at
			), ol as (
				insert into order_lines (id, order_id, fulfilment_id, lot_id, supplier_id, quantity,
					unit_price_fen, commission_bp, from_free)
				select * from json_to_recordset(${json(
					w.lines.map((l) => ({
						id: l.id,
						order_id: l.orderId,
						fulfilment_id: l.fulfilmentId,
						lot_id: l.lotId,
						supplier_id: l.supplierId,
						quantity: l.quantity,
						unit_price_fen: l.unitPriceFen,
						commission_bp: l.commissionBp,
						from_free: l.fromFree
					}))
				)}) as x(id uuid, order_id uuid, fulfilment_id uuid, lot_id uuid, supplier_id uuid,
					quantity int, unit_price_fen int, commission_bp int, from_free int)
			), fe as (
				insert into fulfilment_events (fulfilment_id, from_status, to_status, actor_user_id,
					actor_token_id, note)
				select x.fulfilment_id, null::fulfilment_status, 'pending'::fulfilment_status,
					x.actor_user_id, x.actor_token_id, x.note
				from json_to_recordset(${json(w.events)}) as x(fulfilment_id uuid, actor_user_id uuid,
					actor_token_id uuid, note text)
			)
			select (select coalesce(json_agg(lt), '[]') from ${CONSUMED_LOTS} lt) as lots,
				(select coalesce(json_agg(fu), '[]') from fu) as fulfilments`;
}
