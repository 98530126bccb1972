// Order placement, step 1 (claim): the batch's first statement claims the orders' keys and
// reads what the decision needs under row locks; then repeats are matched to stored orders.
import { randomUUID } from 'node:crypto';
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import type { DecisionLock, DecisionLot } from '$lib/domain/order-decision';
import type { Policy } from '$lib/domain/policy';
import { jsonValue, uuidArray, type Tx } from '../db';
import { orders } from '../db/schema';
import { AppError } from '../errors';
import type { OrderInput } from './schemas';
import type { OrderView } from './queries';

export type OrderSource = 'webhook' | 'console' | 'import';

export interface Request {
	input: OrderInput;
	source: OrderSource;
	teamId: string;
	userId: string | null;
	tokenId: string | null;
	policy: Policy;
}

export type Outcome =
	| { ok: true; orderId: string; created: boolean; view?: Promise<OrderView | null> }
	| { ok: false; error: AppError };

export interface LotInfo extends DecisionLot {
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	title: string;
	grade: string;
	supplierName: string | null;
}

export interface ShowRow {
	id: string;
	team_id: string;
	status: string;
	commission_bp: number | null;
	packaging: string[] | null;
	title: string;
	team_name: string | null;
}

interface LotRow {
	id: string;
	supplier_id: string;
	warehouse_province: string;
	warehouse_city: string;
	status: string;
	dropship_allowed: boolean;
	commission_bp: number;
	on_hand: number;
	locked: number;
	allocated: number;
	title: string;
	grade: string;
	supplier_name: string | null;
	slot_packaging: string[] | null;
}

export type ClaimRow = {
	show: unknown;
	claimed: unknown;
	existing: unknown;
	lots: unknown;
	held: unknown;
};

export function fail(
	kind: 'conflict' | 'rule' | 'not_found',
	code: string,
	message: string,
	field: string,
	details?: Record<string, unknown>,
	params?: Record<string, string | number>
): Outcome {
	return { ok: false, error: new AppError(kind, code, message, { field, details, params }) };
}

/** A JSON document as a statement parameter (one parameter per table, not one per value). */
export const json = (v: unknown) => sql`${JSON.stringify(v)}::json`;

/** The batch's keys: a fresh order id per request, and the first request of each externalId. */
export interface Claim {
	orderIds: string[];
	firstOf: Map<string, number>;
	keyOf: (i: number) => string;
	statement: SQL;
}

/**
 * The claim-and-read statement (the transaction's first; on Postgres it travels with BEGIN):
 * the show row FOR SHARE (lock order: shows → lots → stock_locks); the orders' rows inserted
 * ON CONFLICT DO NOTHING (a key another transaction holds makes this one wait for it, so two
 * nodes never create the same order, and no lot is held meanwhile); the keys seen before; then
 * the lots FOR UPDATE in id order and the show's active locks.
 */
export function claim(showId: string, reqs: readonly Request[]): Claim {
	// Within the batch the first of a repeated id wins; the others share its outcome.
	const firstOf = new Map<string, number>();
	const orderIds = reqs.map(() => randomUUID());
	const fresh: number[] = [];
	reqs.forEach((r, i) => {
		const key = `${r.teamId}\u0000${r.input.externalId}`;
		if (firstOf.has(key)) return;
		firstOf.set(key, i);
		fresh.push(i);
	});
	// Sorted so that two batches claiming overlapping ids wait for each other in one order.
	fresh.sort((a, b) => (reqs[a]!.input.externalId < reqs[b]!.input.externalId ? -1 : 1));
	const newOrders = fresh.map((i, n) => {
		const r = reqs[i]!;
		return {
			n,
			id: orderIds[i]!,
			team_id: r.teamId,
			external_id: r.input.externalId,
			source: r.source,
			ship_to: r.input.shipTo,
			total_fen: r.input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
			paid_at: r.input.paidAt.toISOString(),
			created_by_user: r.userId,
			created_by_token: r.tokenId
		};
	});
	const lotIds = [...new Set(reqs.flatMap((r) => r.input.lines.map((l) => l.lotId)))].sort();
	const statement = sql`with s as (
			select sh.id, sh.team_id, sh.status, sh.commission_bp, sh.packaging, sh.title,
				(select o.name from orgs o where o.id = sh.team_id) as team_name
			from shows sh where sh.id = ${showId} for share
		), ins as (
			insert into orders (id, team_id, show_id, external_id, source, ship_to, total_fen,
				paid_at, created_by_user, created_by_token)
			select x.id, x.team_id, ${showId}::uuid, x.external_id, x.source, x.ship_to, x.total_fen,
				x.paid_at, x.created_by_user, x.created_by_token
			from json_to_recordset(${json(newOrders)}) as x(n int, id uuid, team_id uuid,
				external_id text, source order_source, ship_to jsonb, total_fen int,
				paid_at timestamptz, created_by_user uuid, created_by_token uuid)
			where exists (select 1 from s where s.status <> 'cancelled')
			order by x.n
			on conflict do nothing
			returning id
		), ex as (
			-- one index probe per key (lateral + limit: never a hash join over all orders, whatever
			-- the planner guesses of the JSON's size or the table's)
			select o.id, o.team_id, o.external_id
			from json_to_recordset(${json(newOrders.map((o) => ({ t: o.team_id, e: o.external_id })))})
				as k(t uuid, e text)
			cross join lateral (select o.id, o.team_id, o.external_id from orders o
				where o.team_id = k.t and o.external_id = k.e limit 1) o
		), l as (
			select l.id, l.supplier_id, l.warehouse_province, l.warehouse_city, l.status,
				l.dropship_allowed, l.commission_bp, l.on_hand, l.locked, l.allocated, l.title, l.grade,
				(select o.name from orgs o where o.id = l.supplier_id) as supplier_name,
				-- the show's packaging instructions for this lot's slot(s)
				(select array_agg(distinct p) from show_slots ss, unnest(ss.packaging) p
					where ss.show_id = ${showId} and ss.lot_id = l.id) as slot_packaging
			from lots l
			where l.id = any(${uuidArray(lotIds)})
				and exists (select 1 from ins)
			order by l.id for update of l
		), k as (
			select sl.id, sl.lot_id, sl.quantity, sl.consumed from stock_locks sl
			where sl.show_id = ${showId} and sl.lot_id in (select id from l) and sl.status = 'active'
			order by sl.created_at, sl.id for update
		)
		select (select row_to_json(s) from s) as show,
			(select coalesce(json_agg(ins.id), '[]') from ins) as claimed,
			(select coalesce(json_agg(ex), '[]') from ex) as existing,
			(select coalesce(json_agg(l), '[]') from l) as lots,
			(select coalesce(json_agg(k), '[]') from k) as held`;
	return {
		orderIds,
		firstOf,
		keyOf: (i) => `${reqs[i]!.teamId}\u0000${reqs[i]!.input.externalId}`,
		statement
	};
}

/**
 * Repeats (in this batch or from before) are answered with the stored order; returns the
 * requests whose orders this batch claimed (to decide), in arrival order.
 */
export async function settleRepeats(
	tx: Tx,
	reqs: readonly Request[],
	c: Claim,
	read: ClaimRow,
	outcomes: Outcome[]
): Promise<number[]> {
	const { orderIds, firstOf, keyOf } = c;
	const claimed = new Set(jsonValue<string[]>(read.claimed));
	const byKey = new Map(
		jsonValue<{ id: string; team_id: string; external_id: string }[]>(read.existing).map((e) => [
			`${e.team_id}\u0000${e.external_id}`,
			e.id
		])
	);
	const repeats = reqs.map((_, i) => i).filter((i) => !claimed.has(orderIds[i]!));
	// A key another transaction committed while this one waited for it is not in this
	// statement's snapshot: read those again.
	const unseen = repeats.filter((i) => {
		const first = firstOf.get(keyOf(i))!;
		return !(first !== i && claimed.has(orderIds[first]!)) && !byKey.has(keyOf(i));
	});
	if (unseen.length) {
		const again = await tx
			.select({ id: orders.id, externalId: orders.externalId, teamId: orders.teamId })
			.from(orders)
			.where(
				and(
					inArray(orders.teamId, [...new Set(unseen.map((i) => reqs[i]!.teamId))]),
					inArray(
						orders.externalId,
						unseen.map((i) => reqs[i]!.input.externalId)
					)
				)
			);
		for (const e of again) byKey.set(`${e.teamId}\u0000${e.externalId}`, e.id);
	}
	for (const i of repeats) {
		const first = firstOf.get(keyOf(i))!;
		// Same id twice in this batch: decided below with the first one.
		if (first !== i && claimed.has(orderIds[first]!)) continue;
		const id = byKey.get(keyOf(i));
		outcomes[i] = id
			? { ok: true, orderId: id, created: false }
			: fail('conflict', 'conflict', 'orders.err.retry', 'externalId');
	}
	return reqs.map((_, i) => i).filter((i) => claimed.has(orderIds[i]!));
}

/** The lots (with their slot's packaging) and the show's active locks, as the decision reads them. */
export function decisionState(read: ClaimRow) {
	const lotRows = jsonValue<LotRow[]>(read.lots);
	const lotById = new Map<string, LotInfo>(
		lotRows.map((l) => [
			l.id,
			{
				id: l.id,
				supplierId: l.supplier_id,
				warehouseProvince: l.warehouse_province,
				warehouseCity: l.warehouse_city,
				status: l.status,
				dropshipAllowed: l.dropship_allowed,
				commissionBp: l.commission_bp,
				onHand: l.on_hand,
				locked: l.locked,
				allocated: l.allocated,
				title: l.title,
				grade: l.grade,
				supplierName: l.supplier_name
			}
		])
	);
	const locksByLot = new Map<string, DecisionLock[]>();
	for (const h of jsonValue<{ id: string; lot_id: string; quantity: number; consumed: number }[]>(
		read.held
	)) {
		const list = locksByLot.get(h.lot_id) ?? [];
		list.push({ id: h.id, lotId: h.lot_id, quantity: h.quantity, consumed: h.consumed, take: 0 });
		locksByLot.set(h.lot_id, list);
	}
	const slotPackaging = new Map(lotRows.map((l) => [l.id, l.slot_packaging ?? []]));
	return { lotById, locksByLot, slotPackaging };
}
