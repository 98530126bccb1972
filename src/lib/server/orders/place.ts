import { randomUUID } from 'node:crypto';
import { and, inArray, sql } from 'drizzle-orm';
import { planConsumption } from '$lib/domain/locks';
import { resolveCommissionBp } from '$lib/domain/ledger';
import { packagingFor, slaState, splitByShipper, type FreightQuote } from '$lib/domain/orders';
import type { Policy } from '$lib/domain/policy';
import type { Principal } from '../auth/principal';
import { currentPolicy } from '../catalog/policy';
import { isDataRefusal, jsonValue, transactionFrom, uuidArray } from '../db';
import { env } from '../env';
import { fulfilments, orderLines, orders, type ShipTo } from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import { actorIds, authorizeShow } from '../live/access';
import { KeyedBatcher } from '../live/batcher';
import { publishLockChanges } from '../live/publish';
import { orderHooks } from './hooks';
import { publishFulfilmentsChanged } from './publish';
import { OrderInput } from './schemas';
import { freightQuotes } from './freight';
import {
	orderView,
	orderViews,
	type FulfilmentView,
	type LineView,
	type OrderView
} from './queries';

export type OrderSource = 'webhook' | 'console' | 'import';

export interface PlaceResult {
	order: OrderView;
	/** false when the externalId was seen before: the existing order is returned. */
	created: boolean;
}

interface Request {
	input: OrderInput;
	source: OrderSource;
	teamId: string;
	userId: string | null;
	tokenId: string | null;
	policy: Policy;
}

type Outcome =
	| { ok: true; orderId: string; created: boolean; view?: Promise<OrderView | null> }
	| { ok: false; error: AppError };

/**
 * Places a consumer order from a show: validates it, then hands it to the show's batcher so a
 * flash sale's concurrent orders share one transaction (one lock of each hot lot row per batch).
 * Idempotent on (team, externalId). Lines beyond the show's locks are refused whole (409
 * insufficient_stock) unless the policy lets orders draw free stock.
 */
export async function placeOrder(
	actor: Principal,
	raw: unknown,
	source: OrderSource = 'webhook'
): Promise<PlaceResult> {
	const input = parse(OrderInput, raw);
	const { teamId } = await authorizeShow(actor, input.showId, 'write');
	const policy = await currentPolicy();
	const ids = actorIds(actor);
	const outcome = await batcher().submit(input.showId, {
		input,
		source,
		teamId,
		userId: ids.userId,
		tokenId: ids.tokenId,
		policy
	});
	if (!outcome.ok) throw outcome.error;
	// A new order's view is built from the batch itself; a repeat reads the stored one.
	const order = outcome.view ? await outcome.view : await orderView(outcome.orderId);
	if (!order) throw notFound('Order');
	return { order, created: outcome.created };
}

// ORDER_BATCH_MAX=1 places each order in its own transaction (the bench's baseline).
let batcherInstance: KeyedBatcher<Request, Outcome> | undefined;
function batcher(): KeyedBatcher<Request, Outcome> {
	batcherInstance ??= new KeyedBatcher<Request, Outcome>(
		(showId, reqs) => placeBatch(showId, reqs),
		env().ORDER_BATCH_MAX,
		env().ORDER_BATCH_MAX === 1 ? 1 : env().ORDER_BATCH_IN_FLIGHT,
		// One order the database refuses must not fail its neighbours: retried without it.
		isDataRefusal
	);
	return batcherInstance;
}

interface LotInfo {
	id: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	status: string;
	dropshipAllowed: boolean;
	commissionBp: number;
	onHand: number;
	locked: number;
	allocated: number;
	title: string;
	grade: string;
	supplierName: string | null;
}

interface HeldLock {
	id: string;
	lotId: string;
	quantity: number;
	consumed: number;
	take: number;
}

function fail(
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
const json = (v: unknown) => sql`${JSON.stringify(v)}::json`;

interface ShowRow {
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

/**
 * One transaction for a batch of orders of one show, in arrival order, in two statements:
 * 1. claim and read: the show row FOR SHARE (lock order: shows → lots → stock_locks); the
 *    orders' rows inserted ON CONFLICT DO NOTHING (a key another transaction holds makes this
 *    one wait for it, so two nodes never create the same order, and no lot is held meanwhile);
 *    the keys seen before; then the lots FOR UPDATE in id order and the show's active locks;
 * 2. each order decided in memory against what is left, whole or not at all; then one
 *    statement writes it all: refused orders' rows deleted, locks, lock events, lots, the
 *    show's sold counters, fulfilments, lines and their events (the sale facts for the
 *    catalog's stats are read from these rows later, by its job: see sale-facts.ts).
 * The ledger's hooks post the payments in the same transaction.
 */
async function placeBatch(showId: string, reqs: Request[]): Promise<Outcome[]> {
	const outcomes: Outcome[] = new Array(reqs.length);
	const published: {
		lots: Map<string, LotInfo & { stockVersion: number }>;
	} = { lots: new Map() };
	let forViews:
		| {
				toPlace: number[];
				newFulfilments: (typeof fulfilments.$inferInsert)[];
				newLines: (typeof orderLines.$inferInsert)[];
				stored: Map<string, { number: number; createdAt: Date }>;
				lotById: Map<string, LotInfo>;
				show: { id: string; title: string; teamName: string | null };
		  }
		| undefined;

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

	// 1. Claim and read: the transaction's first statement (on Postgres it travels with BEGIN).
	const claimAndRead = sql`with s as (
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
	await transactionFrom<
		{
			show: unknown;
			claimed: unknown;
			existing: unknown;
			lots: unknown;
			held: unknown;
		},
		void
	>(claimAndRead, async (tx, [read], finish) => {
		const show = jsonValue<ShowRow | null>(read!.show);
		if (!show) {
			reqs.forEach(
				(_, i) =>
					(outcomes[i] = fail('not_found', 'not_found', 'orders.err.show_not_found', 'showId'))
			);
			return;
		}
		if (show.status === 'cancelled') {
			reqs.forEach(
				(_, i) =>
					(outcomes[i] = fail('conflict', 'show_closed', 'orders.err.show_cancelled', 'showId'))
			);
			return;
		}
		const claimed = new Set(jsonValue<string[]>(read!.claimed));
		// Repeats (in this batch or from before) are answered with the stored order.
		const byKey = new Map(
			jsonValue<{ id: string; team_id: string; external_id: string }[]>(read!.existing).map((e) => [
				`${e.team_id}\u0000${e.external_id}`,
				e.id
			])
		);
		const repeats = reqs.map((_, i) => i).filter((i) => !claimed.has(orderIds[i]!));
		const keyOf = (i: number) => `${reqs[i]!.teamId}\u0000${reqs[i]!.input.externalId}`;
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
		const toPlace = reqs.map((_, i) => i).filter((i) => claimed.has(orderIds[i]!));
		if (toPlace.length === 0) return;

		const lotRows = jsonValue<LotRow[]>(read!.lots);
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
		const locksByLot = new Map<string, HeldLock[]>();
		for (const h of jsonValue<{ id: string; lot_id: string; quantity: number; consumed: number }[]>(
			read!.held
		)) {
			const list = locksByLot.get(h.lot_id) ?? [];
			list.push({ id: h.id, lotId: h.lot_id, quantity: h.quantity, consumed: h.consumed, take: 0 });
			locksByLot.set(h.lot_id, list);
		}
		const slotPackaging = new Map(lotRows.map((l) => [l.id, l.slot_packaging ?? []]));

		// 2. Decide each order whole, in arrival order.
		const refused: string[] = [];
		const newFulfilments: (typeof fulfilments.$inferInsert)[] = [];
		const newLines: (typeof orderLines.$inferInsert)[] = [];
		const events: Record<string, unknown>[] = [];
		const lotTotals = new Map<string, { fromLocks: number; total: number }>();
		for (const i of toPlace.sort((a, b) => a - b)) {
			const r = reqs[i]!;
			const verdict = decideOrder(r, i, lotById, locksByLot, show.commission_bp);
			if (!verdict.ok) {
				outcomes[i] = verdict.outcome;
				refused.push(orderIds[i]!);
				continue;
			}
			// Commit this order's takes to the in-memory state.
			for (const t of verdict.takes) {
				const lot = lotById.get(t.lotId)!;
				lot.locked -= t.fromLocks;
				lot.allocated += t.fromLocks + t.fromFree;
				for (const [lockId, n] of t.perLock) {
					const h = locksByLot.get(t.lotId)!.find((x) => x.id === lockId)!;
					h.quantity -= n;
					h.consumed += n;
					h.take += n;
				}
				const tot = lotTotals.get(t.lotId) ?? { fromLocks: 0, total: 0 };
				tot.fromLocks += t.fromLocks;
				tot.total += t.fromLocks + t.fromFree;
				lotTotals.set(t.lotId, tot);
			}
			const orderId = orderIds[i]!;
			const lines = r.input.lines.map((l) => {
				const lot = lotById.get(l.lotId)!;
				return {
					lotId: l.lotId,
					quantity: l.quantity,
					unitPrice: l.unitPrice,
					supplierId: lot.supplierId,
					warehouseProvince: lot.warehouseProvince,
					warehouseCity: lot.warehouseCity
				};
			});
			for (const g of splitByShipper(lines)) {
				const fulfilmentId = randomUUID();
				newFulfilments.push({
					id: fulfilmentId,
					orderId,
					showId,
					teamId: r.teamId,
					supplierId: g.supplierId,
					warehouseProvince: g.warehouseProvince,
					warehouseCity: g.warehouseCity,
					packaging: packagingFor(
						show.packaging ?? [],
						g.lines.map((n) => slotPackaging.get(lines[n]!.lotId) ?? [])
					),
					shipTo: r.input.shipTo as ShipTo
				});
				events.push({
					fulfilment_id: fulfilmentId,
					actor_user_id: r.userId,
					actor_token_id: r.tokenId,
					note: `order ${r.input.externalId}`
				});
				for (const n of g.lines) {
					const l = lines[n]!;
					const fromFree = verdict.freeByLine[n] ?? 0;
					newLines.push({
						id: randomUUID(),
						orderId,
						fulfilmentId,
						lotId: l.lotId,
						supplierId: l.supplierId,
						quantity: l.quantity,
						unitPriceFen: l.unitPrice,
						commissionBp: verdict.commissionByLine[n]!,
						fromFree
					});
				}
			}
			outcomes[i] = { ok: true, orderId, created: true };
		}
		// Repeats of an id placed earlier in this batch share its outcome.
		reqs.forEach((r, i) => {
			if (outcomes[i]) return;
			const first = firstOf.get(keyOf(i))!;
			const o = outcomes[first]!;
			outcomes[i] = o.ok ? { ok: true, orderId: o.orderId, created: false } : o;
		});
		if (newFulfilments.length === 0) {
			if (refused.length) await tx.delete(orders).where(inArray(orders.id, refused));
			return;
		}

		// 3. Write it all in one statement.
		const first = reqs[toPlace[0]!]!;
		const taken = [...locksByLot.values()]
			.flat()
			.filter((h) => h.take > 0)
			.sort((a, b) => (a.id < b.id ? -1 : 1));
		const totals = [...lotTotals]
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([id, t]) => ({ id, from_locks: t.fromLocks, total: t.total }));
		const write = sql`with del as (
				delete from orders where id = any(${uuidArray(refused)})
			), tk as (
				select * from json_to_recordset(${json(
					taken.map((h) => ({
						id: h.id,
						lot_id: h.lotId,
						q: h.quantity,
						c: h.consumed,
						take: h.take
					}))
				)}) as x(id uuid, lot_id uuid, q int, c int, take int)
			), lk as (
				update stock_locks s set quantity = tk.q, consumed = tk.c, updated_at = now()
				from tk where s.id = tk.id and s.id = any(${uuidArray(taken.map((h) => h.id))})
			), le as (
				insert into lock_events (lock_id, show_id, lot_id, kind, delta, quantity_after,
					actor_user_id, actor_token_id)
				select tk.id, ${showId}::uuid, tk.lot_id, 'consume'::lock_event_kind, -tk.take, tk.q,
					${first.userId}::uuid,
					${first.tokenId}::uuid
				from tk
			), lt as (
				update lots l set locked = l.locked - v.from_locks, allocated = l.allocated + v.total,
					stock_version = l.stock_version + 1
				from json_to_recordset(${json(totals)}) as v(id uuid, from_locks int, total int)
				where l.id = v.id and l.id = any(${uuidArray(totals.map((t) => t.id))})
				returning l.id, l.on_hand, l.locked, l.allocated, l.stock_version
			), sold as (
				insert into show_lot_sales (show_id, lot_id, sold)
				select ${showId}::uuid, v.id, v.total
				from json_to_recordset(${json(totals)}) as v(id uuid, total int)
				on conflict (show_id, lot_id) do update set sold = show_lot_sales.sold + excluded.sold
			), fu as (
				insert into fulfilments (id, order_id, show_id, team_id, supplier_id, warehouse_province,
					warehouse_city, packaging, ship_to)
				select x.id, x.order_id, ${showId}::uuid, x.team_id, x.supplier_id, x.warehouse_province,
					x.warehouse_city, x.packaging, x.ship_to
				from json_to_recordset(${json(
					newFulfilments.map((f, n) => ({
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
					newLines.map((l) => ({
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
				from json_to_recordset(${json(events)}) as x(fulfilment_id uuid, actor_user_id uuid,
					actor_token_id uuid, note text)
			)
			select (select coalesce(json_agg(lt), '[]') from lt) as lots,
				(select coalesce(json_agg(fu), '[]') from fu) as fulfilments`;
		// The ledger's payment postings go out right behind the write, and COMMIT behind them:
		// one round trip (Postgres runs them in order; a failure rolls all of it back).
		const placed = {
			policy: first.policy,
			showId,
			lines: newLines,
			orders: toPlace
				.filter((i) => outcomes[i]?.ok && (outcomes[i] as { created: boolean }).created)
				.map((i) => ({
					id: orderIds[i]!,
					paidAt: reqs[i]!.input.paidAt,
					teamId: reqs[i]!.teamId
				}))
		};
		const [[written]] = (await finish([write, ...orderHooks.placed.flatMap((h) => h(placed))])) as [
			{ lots: unknown; fulfilments: unknown }[]
		];
		for (const a of jsonValue<
			{
				id: string;
				on_hand: number;
				locked: number;
				allocated: number;
				stock_version: string | number;
			}[]
		>(written!.lots)) {
			published.lots.set(a.id, {
				...lotById.get(a.id)!,
				onHand: a.on_hand,
				locked: a.locked,
				allocated: a.allocated,
				stockVersion: Number(a.stock_version)
			});
		}
		const stored = new Map<string, { number: number; createdAt: Date }>();
		for (const f of jsonValue<{ id: string; number: string | number; created_at: string }[]>(
			written!.fulfilments
		)) {
			stored.set(f.id, { number: Number(f.number), createdAt: new Date(f.created_at) });
		}
		forViews = {
			toPlace,
			newFulfilments,
			newLines,
			stored,
			lotById,
			show: { id: show.id, title: show.title, teamName: show.team_name }
		};
	});
	// After commit (the lots are free again): the responses of the new orders, built from what
	// the batch holds, with the freight quotes of their routes (informational: a failed quote
	// read leaves them out rather than failing orders that are already placed). Not awaited
	// here, so the show's next batch starts meanwhile.
	if (forViews) {
		const v = forViews;
		const quotes = freightQuotes(
			v.newFulfilments.map((f) => ({
				origin: f.warehouseProvince ?? '',
				dest: f.shipTo.province,
				pieces: v.newLines
					.filter((l) => l.fulfilmentId === f.id)
					.reduce((a, l) => a + l.quantity, 0)
			}))
		).catch(() => new Map<string, FreightQuote>());
		for (const i of v.toPlace) {
			const o = outcomes[i];
			if (!o?.ok || !o.created) continue;
			o.view = quotes.then((q) =>
				buildView({
					req: reqs[i]!,
					orderId: o.orderId,
					show: v.show,
					fulfilments: v.newFulfilments.filter((f) => f.orderId === o.orderId),
					lines: v.newLines.filter((l) => l.orderId === o.orderId),
					stored: v.stored,
					lotById: v.lotById,
					quotes: q
				})
			);
		}
	}
	// Repeats (retried webhooks) are answered with the stored orders, read once for the batch.
	const repeated = outcomes.filter(
		(o): o is Extract<Outcome, { ok: true }> => !!o?.ok && !o.created
	);
	if (repeated.length) {
		const views = orderViews(repeated.map((o) => o.orderId));
		for (const o of repeated) o.view = views.then((m) => m.get(o.orderId) ?? null);
	}
	for (const lot of published.lots.values()) publishLockChanges(lot, [showId]);
	if (forViews) {
		const v = forViews;
		publishFulfilmentsChanged(
			v.newFulfilments.map((f) => ({
				id: f.id!,
				orderId: f.orderId,
				showId: f.showId,
				supplierId: f.supplierId,
				teamId: f.teamId,
				number: v.stored.get(f.id!)!.number,
				status: 'pending' as const
			})),
			'created'
		);
	}
	return outcomes;
}

type Verdict =
	| { ok: false; outcome: Outcome }
	| {
			ok: true;
			takes: { lotId: string; fromLocks: number; fromFree: number; perLock: [string, number][] }[];
			/** Units of each line drawn from free stock (by line index). */
			freeByLine: number[];
			/** Host commission of each line: the show's deal, else the lot's rate, within the band. */
			commissionByLine: number[];
	  };

function decideOrder(
	r: Request,
	index: number,
	lotById: Map<string, LotInfo>,
	locksByLot: Map<string, HeldLock[]>,
	showDealBp: number | null
): Verdict {
	void index;
	const need = new Map<string, number>();
	const commissionByLine: number[] = [];
	for (const [n, l] of r.input.lines.entries()) {
		const lot = lotById.get(l.lotId);
		if (!lot) {
			return {
				ok: false,
				outcome: fail('not_found', 'not_found', 'orders.err.lot_not_found', `lines.${n}.lotId`)
			};
		}
		if (lot.status !== 'active') {
			return {
				ok: false,
				outcome: fail('rule', 'lot_unavailable', 'orders.err.lot_unavailable', `lines.${n}.lotId`)
			};
		}
		if (!lot.dropshipAllowed) {
			return {
				ok: false,
				outcome: fail('rule', 'dropship_not_allowed', 'orders.err.no_dropship', `lines.${n}.lotId`)
			};
		}
		const bp = resolveCommissionBp({ showDealBp, lotBp: lot.commissionBp }, r.policy.money);
		if (bp === null) {
			return {
				ok: false,
				outcome: fail(
					'rule',
					'commission_out_of_range',
					'orders.err.commission_band',
					`lines.${n}.lotId`,
					undefined,
					{
						min: r.policy.money.commissionMinBp / 100,
						max: r.policy.money.commissionMaxBp / 100
					}
				)
			};
		}
		commissionByLine[n] = bp;
		need.set(l.lotId, (need.get(l.lotId) ?? 0) + l.quantity);
	}
	const takes: {
		lotId: string;
		fromLocks: number;
		fromFree: number;
		perLock: [string, number][];
	}[] = [];
	for (const [lotId, qty] of need) {
		const lot = lotById.get(lotId)!;
		const locks = locksByLot.get(lotId) ?? [];
		const heldTotal = locks.reduce((s, h) => s + h.quantity, 0);
		const fromLocks = Math.min(heldTotal, qty);
		const fromFree = qty - fromLocks;
		const free = lot.onHand - lot.locked - lot.allocated;
		if (fromFree > 0 && (!r.policy.orders.allowFreeStock || fromFree > free)) {
			const available = heldTotal + (r.policy.orders.allowFreeStock ? Math.max(0, free) : 0);
			const n = r.input.lines.findIndex((l) => l.lotId === lotId);
			return {
				ok: false,
				outcome: fail(
					'conflict',
					'insufficient_stock',
					'orders.err.insufficient',
					`lines.${n}.quantity`,
					{ available, lotId },
					{ n: available }
				)
			};
		}
		const perLock = (planConsumption(locks, fromLocks) ?? []).map(
			(p) => [p.id, p.take] as [string, number]
		);
		takes.push({ lotId, fromLocks, fromFree, perLock });
	}
	// Free-stock units are attributed to the lot's last lines.
	const freeByLine = r.input.lines.map(() => 0);
	for (const t of takes) {
		let left = t.fromFree;
		for (let n = r.input.lines.length - 1; n >= 0 && left > 0; n--) {
			const l = r.input.lines[n]!;
			if (l.lotId !== t.lotId) continue;
			const k = Math.min(l.quantity, left);
			freeByLine[n] = k;
			left -= k;
		}
	}
	return { ok: true, takes, freeByLine, commissionByLine };
}

/** The API's view of an order placed in this batch, from what the batch already holds. */
function buildView(a: {
	req: Request;
	orderId: string;
	show: { id: string; title: string; teamName: string | null };
	fulfilments: (typeof fulfilments.$inferInsert)[];
	lines: (typeof orderLines.$inferInsert)[];
	stored: Map<string, { number: number; createdAt: Date }>;
	lotById: Map<string, LotInfo>;
	quotes: Map<string, FreightQuote>;
}): OrderView {
	const { req, orderId, show } = a;
	const now = new Date();
	const fs: FulfilmentView[] = a.fulfilments.map((f) => {
		const st = a.stored.get(f.id!)!;
		const lines: LineView[] = a.lines
			.filter((l) => l.fulfilmentId === f.id)
			.map((l) => {
				const lot = a.lotById.get(l.lotId)!;
				return {
					id: l.id!,
					lotId: l.lotId,
					lotTitle: lot.title,
					grade: lot.grade,
					quantity: l.quantity,
					unitPriceFen: l.unitPriceFen,
					commissionBp: l.commissionBp,
					fromFree: l.fromFree ?? 0
				};
			});
		const pieces = lines.reduce((s, l) => s + l.quantity, 0);
		const sla = slaState(
			{ status: 'pending', createdAt: st.createdAt, kind: 'order' },
			now,
			req.policy
		);
		return {
			id: f.id!,
			number: st.number,
			orderId,
			externalId: req.input.externalId,
			showId: show.id,
			showTitle: show.title,
			teamId: req.teamId,
			teamName: show.teamName ?? '',
			supplierId: f.supplierId,
			supplierName: a.lotById.get(lines[0]!.lotId)!.supplierName ?? '',
			warehouseProvince: f.warehouseProvince ?? '',
			warehouseCity: f.warehouseCity ?? '',
			kind: 'order',
			replacesId: null,
			status: 'pending',
			packaging: f.packaging ?? [],
			shipTo: f.shipTo,
			carrier: null,
			trackingNo: null,
			dueAt: null,
			freightChargeFen: 0,
			exceptionNote: null,
			createdAt: st.createdAt.toISOString(),
			acceptedAt: null,
			shippedAt: null,
			deliveredAt: null,
			pieces,
			amountFen: lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0),
			sla: { state: sla.state, deadline: sla.deadline ? sla.deadline.toISOString() : null },
			claimPhotos: [],
			freight: a.quotes.get(`${f.warehouseProvince ?? ''}|${f.shipTo.province}|${pieces}`) ?? null,
			lines
		};
	});
	return {
		id: orderId,
		externalId: req.input.externalId,
		showId: show.id,
		teamId: req.teamId,
		source: req.source,
		shipTo: req.input.shipTo as ShipTo,
		totalFen: req.input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
		paidAt: req.input.paidAt.toISOString(),
		createdAt: fs[0]?.createdAt ?? now.toISOString(),
		fulfilments: fs
	};
}
