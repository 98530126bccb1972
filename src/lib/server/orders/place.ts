import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { planConsumption } from '$lib/domain/locks';
import { resolveCommissionBp } from '$lib/domain/ledger';
import { packagingFor, slaState, splitByShipper, type FreightQuote } from '$lib/domain/orders';
import type { Policy } from '$lib/domain/policy';
import type { Actor } from '../auth/service';
import { insertSaleFacts } from '../catalog/sales';
import { currentPolicy } from '../catalog/policy';
import { db, execRows, type Tx } from '../db';
import { env } from '../env';
import {
	fulfilmentEvents,
	fulfilments,
	lockEvents,
	lots,
	orderLines,
	orders,
	showLotSales,
	shows,
	stockLocks,
	type ShipTo
} from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import { actorIds, authorizeShow } from '../live/access';
import { KeyedBatcher } from '../live/batcher';
import { publishLockChanges } from '../live/publish';
import { orderHooks, runHooks } from './hooks';
import { publishFulfilmentsChanged } from './publish';
import { OrderInput } from './schemas';
import { freightQuotes } from './freight';
import { orderView, type FulfilmentView, type LineView, type OrderView } from './queries';

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
	| { ok: true; orderId: string; created: boolean; view?: OrderView }
	| { ok: false; error: AppError };

/**
 * Places a consumer order from a show: validates it, then hands it to the show's batcher so a
 * flash sale's concurrent orders share one transaction (one lock of each hot lot row per batch).
 * Idempotent on (team, externalId). Lines beyond the show's locks are refused whole (409
 * insufficient_stock) unless the policy lets orders draw free stock.
 */
export async function placeOrder(
	actor: Actor,
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
	// A new order's view was built from the batch itself; a repeat reads the stored one.
	const order = outcome.view ?? (await orderView(outcome.orderId));
	if (!order) throw notFound('Order');
	return { order, created: outcome.created };
}

// ORDER_BATCH_MAX=1 places each order in its own transaction (the bench's baseline).
let batcherInstance: KeyedBatcher<Request, Outcome> | undefined;
function batcher(): KeyedBatcher<Request, Outcome> {
	batcherInstance ??= new KeyedBatcher<Request, Outcome>(
		(showId, reqs) => placeBatch(showId, reqs),
		env().ORDER_BATCH_MAX
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

/**
 * One transaction for a batch of orders of one show, in arrival order:
 * 1. the show row FOR SHARE (lock order: shows → lots → stock_locks);
 * 2. the orders' rows inserted ON CONFLICT DO NOTHING: a key another transaction holds makes
 *    this one wait for it, so two nodes never create the same order; keys seen before are
 *    answered with the existing order;
 * 3. the lots FOR UPDATE in id order and the show's active locks on them;
 * 4. each order decided in memory against what is left, whole or not at all; refused orders'
 *    rows are deleted again before commit;
 * 5. locks, lots, lines, fulfilments and their events written set-based.
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
	await db().transaction(async (tx) => {
		const [show] = await tx
			.select({
				id: shows.id,
				teamId: shows.teamId,
				status: shows.status,
				commissionBp: shows.commissionBp,
				packaging: shows.packaging,
				title: shows.title,
				teamName: sql<string>`(select o.name from orgs o where o.id = "shows"."team_id")`
			})
			.from(shows)
			.where(eq(shows.id, showId))
			.for('share');
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

		// 2. Claim the external ids. Within the batch the first of a repeated id wins.
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
		const claimed = new Set<string>();
		if (fresh.length) {
			const rows = await tx
				.insert(orders)
				.values(
					fresh.map((i) => {
						const r = reqs[i]!;
						return {
							id: orderIds[i]!,
							teamId: r.teamId,
							showId,
							externalId: r.input.externalId,
							source: r.source,
							shipTo: r.input.shipTo as ShipTo,
							totalFen: r.input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
							paidAt: r.input.paidAt,
							createdByUser: r.userId,
							createdByToken: r.tokenId
						};
					})
				)
				.onConflictDoNothing()
				.returning({ id: orders.id });
			for (const r of rows) claimed.add(r.id);
		}
		// Repeats (in this batch or from before) are answered with the stored order.
		const repeats = reqs.map((_, i) => i).filter((i) => !claimed.has(orderIds[i]!));
		if (repeats.length) {
			const existing = await tx
				.select({ id: orders.id, externalId: orders.externalId, teamId: orders.teamId })
				.from(orders)
				.where(
					and(
						inArray(orders.teamId, [...new Set(repeats.map((i) => reqs[i]!.teamId))]),
						inArray(
							orders.externalId,
							repeats.map((i) => reqs[i]!.input.externalId)
						)
					)
				);
			const byKey = new Map(existing.map((e) => [`${e.teamId}\u0000${e.externalId}`, e.id]));
			for (const i of repeats) {
				const key = `${reqs[i]!.teamId}\u0000${reqs[i]!.input.externalId}`;
				const first = firstOf.get(key)!;
				if (first !== i && claimed.has(orderIds[first]!)) {
					// Same id twice in this batch: decided below with the first one.
					continue;
				}
				const id = byKey.get(key);
				outcomes[i] = id
					? { ok: true, orderId: id, created: false }
					: fail('conflict', 'conflict', 'orders.err.retry', 'externalId');
			}
		}
		const toPlace = reqs.map((_, i) => i).filter((i) => claimed.has(orderIds[i]!));
		if (toPlace.length === 0) return;

		// 3. Lots in id order, then the show's active locks on them.
		const lotIds = [
			...new Set(toPlace.flatMap((i) => reqs[i]!.input.lines.map((l) => l.lotId)))
		].sort();
		const lotRows = await tx
			.select({
				id: lots.id,
				supplierId: lots.supplierId,
				warehouseProvince: lots.warehouseProvince,
				warehouseCity: lots.warehouseCity,
				status: lots.status,
				dropshipAllowed: lots.dropshipAllowed,
				commissionBp: lots.commissionBp,
				onHand: lots.onHand,
				locked: lots.locked,
				allocated: lots.allocated,
				title: lots.title,
				grade: lots.grade,
				supplierName: sql<string>`(select o.name from orgs o where o.id = "lots"."supplier_id")`,
				// The show's packaging instructions for this lot's slot(s), in the same round trip.
				slotPackaging: sql<string[] | null>`(select array_agg(distinct p) from show_slots ss,
					unnest(ss.packaging) p where ss.show_id = ${showId} and ss.lot_id = "lots"."id")`
			})
			.from(lots)
			.where(inArray(lots.id, lotIds))
			.orderBy(asc(lots.id))
			.for('update', { of: lots });
		const lotById = new Map(lotRows.map(({ slotPackaging: _, ...l }) => [l.id, { ...l }]));
		const held = await tx
			.select({
				id: stockLocks.id,
				lotId: stockLocks.lotId,
				quantity: stockLocks.quantity,
				consumed: stockLocks.consumed
			})
			.from(stockLocks)
			.where(
				and(
					eq(stockLocks.showId, showId),
					inArray(stockLocks.lotId, lotIds),
					eq(stockLocks.status, 'active')
				)
			)
			.orderBy(asc(stockLocks.createdAt), asc(stockLocks.id))
			.for('update');
		const locksByLot = new Map<string, HeldLock[]>();
		for (const h of held) {
			const list = locksByLot.get(h.lotId) ?? [];
			list.push({ ...h, take: 0 });
			locksByLot.set(h.lotId, list);
		}
		const slotPackaging = new Map(lotRows.map((l) => [l.id, l.slotPackaging ?? []]));

		// 4. Decide each order whole, in arrival order.
		const refused: string[] = [];
		const newFulfilments: (typeof fulfilments.$inferInsert)[] = [];
		const newLines: (typeof orderLines.$inferInsert)[] = [];
		const events: (typeof fulfilmentEvents.$inferInsert)[] = [];
		const sales: Parameters<typeof insertSaleFacts>[1] = [];
		const lotTotals = new Map<string, { fromLocks: number; total: number }>();
		for (const i of toPlace.sort((a, b) => a - b)) {
			const r = reqs[i]!;
			const verdict = decideOrder(r, i, lotById, locksByLot, show.commissionBp);
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
			const lines = r.input.lines.map((l, n) => ({ ...l, ...lotById.get(l.lotId)!, n }));
			for (const g of splitByShipper(
				lines.map((l) => ({ ...l, lotId: l.lotId, supplierId: l.supplierId }))
			)) {
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
						show.packaging,
						g.lines.map((n) => slotPackaging.get(lines[n]!.lotId) ?? [])
					),
					shipTo: r.input.shipTo as ShipTo
				});
				events.push({
					fulfilmentId,
					fromStatus: null,
					toStatus: 'pending',
					actorUserId: r.userId,
					actorTokenId: r.tokenId,
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
					sales.push({
						lotId: l.lotId,
						supplierId: l.supplierId,
						buyerKey: buyerKey(r.input.shipTo.phone),
						quantity: l.quantity,
						amountFen: l.quantity * l.unitPrice,
						channel: 'dropship',
						orderRef: `${orderId}:${n}`,
						soldAt: r.input.paidAt
					});
				}
			}
			outcomes[i] = { ok: true, orderId, created: true };
		}
		// Repeats of an id placed earlier in this batch share its outcome.
		reqs.forEach((r, i) => {
			if (outcomes[i]) return;
			const first = firstOf.get(`${r.teamId}\u0000${r.input.externalId}`)!;
			const o = outcomes[first]!;
			outcomes[i] = o.ok ? { ok: true, orderId: o.orderId, created: false } : o;
		});
		if (refused.length) await tx.delete(orders).where(inArray(orders.id, refused));
		if (newFulfilments.length === 0) return;

		// 5. Write it all.
		await writeLockTakes(tx, showId, locksByLot, reqs[0]!);
		const totals = [...lotTotals].sort(([a], [b]) => (a < b ? -1 : 1));
		const after = await execRows<{
			id: string;
			on_hand: number;
			locked: number;
			allocated: number;
			stock_version: string | number;
		}>(
			sql`update ${lots} l set locked = l.locked - v.from_locks, allocated = l.allocated + v.total,
				sales_7d = l.sales_7d + v.total, stock_version = l.stock_version + 1
			from (values ${sql.join(
				totals.map(([id, t]) => sql`(${id}::uuid, ${t.fromLocks}::int, ${t.total}::int)`),
				sql`, `
			)}) as v(id, from_locks, total)
			where l.id = v.id
			returning l.id, l.on_hand, l.locked, l.allocated, l.stock_version`,
			tx
		);
		for (const a of after) {
			published.lots.set(a.id, {
				...lotById.get(a.id)!,
				onHand: a.on_hand,
				locked: a.locked,
				allocated: a.allocated,
				stockVersion: Number(a.stock_version)
			});
		}
		await tx.execute(sql`insert into ${showLotSales} (show_id, lot_id, sold)
			select ${showId}::uuid, v.lot_id, v.total from (values ${sql.join(
				totals.map(([id, t]) => sql`(${id}::uuid, ${t.total}::int)`),
				sql`, `
			)}) as v(lot_id, total)
			on conflict (show_id, lot_id) do update set sold = show_lot_sales.sold + excluded.sold`);
		const stored = new Map<string, { number: number; createdAt: Date }>();
		for (let k = 0; k < newFulfilments.length; k += 500) {
			const rows = await tx
				.insert(fulfilments)
				.values(newFulfilments.slice(k, k + 500))
				.returning({
					id: fulfilments.id,
					number: fulfilments.number,
					createdAt: fulfilments.createdAt
				});
			for (const r of rows) stored.set(r.id, r);
		}
		for (let k = 0; k < newLines.length; k += 500) {
			await tx.insert(orderLines).values(newLines.slice(k, k + 500));
		}
		for (let k = 0; k < events.length; k += 500) {
			await tx.insert(fulfilmentEvents).values(events.slice(k, k + 500));
		}
		await insertSaleFacts(tx, sales);
		await runHooks(orderHooks.placed, tx, {
			showId,
			lines: newLines,
			orders: toPlace
				.filter((i) => outcomes[i]?.ok && (outcomes[i] as { created: boolean }).created)
				.map((i) => ({ id: orderIds[i]!, paidAt: reqs[i]!.input.paidAt, teamId: reqs[i]!.teamId }))
		});
		forViews = { toPlace, newFulfilments, newLines, stored, lotById, show };
	});
	// After commit (the lots are free again): the responses of the new orders, built from what
	// the batch holds, with the freight quotes of their routes (informational: a failed quote
	// read leaves them out rather than failing orders that are already placed).
	if (forViews) {
		const v = forViews;
		const quotes = await freightQuotes(
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
			o.view = buildView({
				req: reqs[i]!,
				orderId: o.orderId,
				show: v.show,
				fulfilments: v.newFulfilments.filter((f) => f.orderId === o.orderId),
				lines: v.newLines.filter((l) => l.orderId === o.orderId),
				stored: v.stored,
				lotById: v.lotById,
				quotes
			});
		}
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

async function writeLockTakes(
	tx: Tx,
	showId: string,
	locksByLot: Map<string, HeldLock[]>,
	first: Request
): Promise<void> {
	const taken = [...locksByLot.values()].flat().filter((h) => h.take > 0);
	if (taken.length === 0) return;
	taken.sort((a, b) => (a.id < b.id ? -1 : 1));
	const values = sql.join(
		taken.map((h) => sql`(${h.id}::uuid, ${h.quantity}::int, ${h.consumed}::int)`),
		sql`, `
	);
	await tx.execute(sql`update ${stockLocks} s set quantity = v.q, consumed = v.c, updated_at = now()
		from (values ${values}) as v(id, q, c) where s.id = v.id`);
	await tx.insert(lockEvents).values(
		taken.map((h) => ({
			lockId: h.id,
			showId,
			lotId: h.lotId,
			kind: 'consume' as const,
			delta: -h.take,
			quantityAfter: h.quantity,
			actorUserId: first.userId,
			actorTokenId: first.tokenId
		}))
	);
}

/** Consumers are counted for repurchase rates by a hash of their phone number, never the number. */
export function buyerKey(phone: string): string {
	return (
		'c:' +
		createHash('sha256')
			.update(phone.replace(/[^0-9]/g, ''))
			.digest('hex')
			.slice(0, 32)
	);
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
