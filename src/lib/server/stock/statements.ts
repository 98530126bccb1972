// Statement builders for stock writes that another module's transaction sends itself (inside
// its own batch, so the batch keeps its round trips), and the calls built on them. Every write
// of lots.on_hand / locked / allocated, stock_locks and lock_events is spelled in this module.
import { sql, type SQL } from 'drizzle-orm';
import { availableSql } from '$lib/domain/locks';
import { execRows, uuidArray, type DbOrTx } from '../db';
import type { LotCounterRow } from './watch';

/** A JSON document as a statement parameter (one parameter per table, not one per value). */
const json = (v: unknown) => sql`${JSON.stringify(v)}::json`;

/** `available` of the `lots` row in SQL: the domain's one spelling of it. */
const AVAILABLE = sql.raw(availableSql('lots'));

/** A lot's counters as `returning` / `row_to_json` give them. */
export interface CounterJson {
	id: string;
	on_hand: number;
	locked: number;
	allocated: number;
	stock_version: string | number;
}

export function counterRow(c: CounterJson): LotCounterRow {
	return {
		id: c.id,
		onHand: c.on_hand,
		locked: c.locked,
		allocated: c.allocated,
		stockVersion: Number(c.stock_version)
	};
}

const RETURNING = sql`returning lots.id, lots.on_hand, lots.locked, lots.allocated, lots.stock_version`;

/** Units one order batch takes from one active lock: its quantity and consumed afterwards. */
export interface LockTake {
	id: string;
	lotId: string;
	quantity: number;
	consumed: number;
	take: number;
}

/** Units one order batch moves to `allocated` on one lot, of which `fromLocks` were locked. */
export interface LotTake {
	id: string;
	fromLocks: number;
	total: number;
}

/** The CTE of `consumeCtes` that returns the lots' counters after the batch (`CounterJson`). */
export const CONSUMED_LOTS = sql.raw('stock_lots');

/**
 * Consume: an order batch's takes from the holder's locks (quantity −, consumed +, a `consume`
 * event each) and from the lots (locked − what came from locks, allocated + all of it,
 * stock_version + 1), as common table expressions for the batch's own write statement
 * (`with …, ${consumeCtes(…)}, … select … from ${CONSUMED_LOTS}`), which must already hold the
 * lots and locks FOR UPDATE (lock order: shows → lots → stock_locks). `taken` and `lots` are
 * sorted by id by the caller. Neither counter is indexed, so a hot lot's update stays HOT.
 */
export function consumeCtes(a: {
	showId: string;
	taken: readonly LockTake[];
	lots: readonly LotTake[];
	actor: { userId: string | null; tokenId: string | null };
}): SQL {
	return sql`stock_tk as (
				select * from json_to_recordset(${json(
					a.taken.map((h) => ({
						id: h.id,
						lot_id: h.lotId,
						q: h.quantity,
						c: h.consumed,
						take: h.take
					}))
				)}) as x(id uuid, lot_id uuid, q int, c int, take int)
			), stock_lk as (
				update stock_locks s set quantity = tk.q, consumed = tk.c, updated_at = now()
				from stock_tk tk where s.id = tk.id and s.id = any(${uuidArray(a.taken.map((h) => h.id))})
			), stock_le as (
				insert into lock_events (lock_id, show_id, lot_id, kind, delta, quantity_after,
					actor_user_id, actor_token_id)
				select tk.id, ${a.showId}::uuid, tk.lot_id, 'consume'::lock_event_kind, -tk.take, tk.q,
					${a.actor.userId}::uuid,
					${a.actor.tokenId}::uuid
				from stock_tk tk
			), ${CONSUMED_LOTS} as (
				update lots l set locked = l.locked - v.from_locks, allocated = l.allocated + v.total,
					stock_version = l.stock_version + 1
				from json_to_recordset(${json(
					a.lots.map((t) => ({ id: t.id, from_locks: t.fromLocks, total: t.total }))
				)}) as v(id uuid, from_locks int, total int)
				where l.id = v.id and l.id = any(${uuidArray(a.lots.map((t) => t.id))})
				returning l.id, l.on_hand, l.locked, l.allocated, l.stock_version
			)`;
}

/**
 * Allocate from free stock (no lock held): `allocated + quantity` if that many are free, else
 * no row. For a replacement parcel, or an order that holds no lock.
 */
export function allocateFreeStatement(lotId: string, quantity: number): SQL {
	return sql`update lots set allocated = allocated + ${quantity},
		stock_version = stock_version + 1
		where id = ${lotId} and ${AVAILABLE} >= ${quantity}
		${RETURNING}`;
}

/**
 * Settle allocated units, `quantity` times the per-unit change: shipped (on hand −1, allocated
 * −1), released back to free stock (allocated −1), written off (on hand −1, allocated −1) or
 * restocked after a return (on hand +1). On hand never drops below what is locked and allocated.
 */
export function settleStatement(
	lotId: string,
	perUnit: { onHand: number; allocated: number },
	quantity: number
): SQL {
	const dOnHand = perUnit.onHand * quantity;
	const dAllocated = perUnit.allocated * quantity;
	return sql`update lots set
		on_hand = greatest(on_hand + ${dOnHand}, locked + allocated + ${dAllocated}),
		allocated = allocated + ${dAllocated},
		stock_version = stock_version + 1
		where id = ${lotId}
		${RETURNING}`;
}

/**
 * Count: the supplier's stock of lots is `onHand` (an edit, an import, a restock). The caller
 * holds the lots FOR UPDATE and has checked that nothing locked or allocated is left uncovered
 * (the CHECK constraint backs it up).
 */
export function setOnHandStatement(lotIds: readonly string[], onHand: number): SQL {
	return sql`update lots set on_hand = ${onHand}, stock_version = stock_version + 1
		where id = any(${uuidArray(lotIds)})
		${RETURNING}`;
}

async function counters(statement: SQL, tx: DbOrTx): Promise<LotCounterRow[]> {
	return (await execRows<CounterJson & Record<string, unknown>>(statement, tx)).map(counterRow);
}

/** `allocateFreeStatement` sent in the caller's transaction: the counters after, or null. */
export async function allocateFree(
	tx: DbOrTx,
	lotId: string,
	quantity: number
): Promise<LotCounterRow | null> {
	const [row] = await counters(allocateFreeStatement(lotId, quantity), tx);
	return row ?? null;
}

/** `settleStatement` sent in the caller's transaction: the counters after. */
export async function settle(
	tx: DbOrTx,
	lotId: string,
	perUnit: { onHand: number; allocated: number },
	quantity: number
): Promise<LotCounterRow | null> {
	const [row] = await counters(settleStatement(lotId, perUnit, quantity), tx);
	return row ?? null;
}

/** `setOnHandStatement` sent in the caller's transaction: the counters after. */
export function setOnHand(
	tx: DbOrTx,
	lotIds: readonly string[],
	onHand: number
): Promise<LotCounterRow[]> {
	return counters(setOnHandStatement(lotIds, onHand), tx);
}
