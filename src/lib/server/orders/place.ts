import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { applyTakes, decideOrder } from '$lib/domain/order-decision';
import { packagingFor, splitByShipper, type FreightQuote } from '$lib/domain/orders';
import type { Principal } from '../auth/principal';
import { currentPolicy } from '../platform/policy';
import { isDataRefusal, jsonValue } from '../db';
import { statementsInTx, transactionFrom } from '../events/bus';
import { env } from '../env';
import { fulfilments, orderLines, orders, type ShipTo } from '../db/schema';
import { notFound, parse } from '../errors';
import { actorIds, authorizeShow } from '../live/access';
import { KeyedBatcher } from '../platform/batcher';
import { counterRow, publishLockChanges, type CounterJson, type LotCounterRow } from '../stock';
import { publishFulfilmentsChanged } from './publish';
import { OrderInput } from './schemas';
import { freightQuotes } from './freight';
import { orderView, orderViews, type OrderView } from './queries';
import {
	claim,
	decisionState,
	fail,
	settleRepeats,
	type ClaimRow,
	type LotInfo,
	type OrderSource,
	type Outcome,
	type Request,
	type ShowRow
} from './place-claim';
import { buildView } from './place-view';
import { writeStatement } from './place-write';

export type { OrderSource };

export interface PlaceResult {
	order: OrderView;
	/** false when the externalId was seen before: the existing order is returned. */
	created: boolean;
}

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
	const policy = currentPolicy();
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

/**
 * One transaction for a batch of orders of one show, in arrival order, in two statements:
 * 1. claim and read (`place-claim.ts`): the show FOR SHARE, the orders' keys claimed, the lots
 *    FOR UPDATE and the show's active locks (lock order: shows → lots → stock_locks);
 * 2. decide (`$lib/domain/order-decision.ts`): each order in memory against what is left,
 *    whole or not at all; then write (`place-write.ts`) it all in one statement, the stock
 *    module's consumption included.
 * The batch publishes order.placed: the ledger's statements post the payments in it; the answers are built from
 * what the batch holds (`place-view.ts`).
 */
async function placeBatch(showId: string, reqs: Request[]): Promise<Outcome[]> {
	const outcomes: Outcome[] = new Array(reqs.length);
	const published: {
		lots: Map<string, LotCounterRow>;
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

	const c = claim(showId, reqs);
	const { orderIds, firstOf, keyOf } = c;
	await transactionFrom<ClaimRow, void>(c.statement, async (tx, [read], finish) => {
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
		const toPlace = await settleRepeats(tx, reqs, c, read!, outcomes);
		if (toPlace.length === 0) return;
		const { lotById, locksByLot, slotPackaging } = decisionState(read!);

		// 2. Decide each order whole, in arrival order.
		const refused: string[] = [];
		const newFulfilments: (typeof fulfilments.$inferInsert)[] = [];
		const newLines: (typeof orderLines.$inferInsert)[] = [];
		const events: Record<string, unknown>[] = [];
		const lotTotals = new Map<string, { fromLocks: number; total: number }>();
		for (const i of toPlace.sort((a, b) => a - b)) {
			const r = reqs[i]!;
			const verdict = decideOrder(r.input.lines, lotById, locksByLot, show.commission_bp, r.policy);
			if (!verdict.ok) {
				const f = verdict.refusal;
				outcomes[i] = fail(f.kind, f.code, f.message, f.field, f.details, f.params);
				refused.push(orderIds[i]!);
				continue;
			}
			// Commit this order's takes to the in-memory state.
			applyTakes(verdict.takes, lotById, locksByLot, lotTotals);
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
		const write = writeStatement({
			showId,
			refused,
			taken: [...locksByLot.values()]
				.flat()
				.filter((h) => h.take > 0)
				.sort((a, b) => (a.id < b.id ? -1 : 1)),
			totals: [...lotTotals]
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([id, t]) => ({ id, fromLocks: t.fromLocks, total: t.total })),
			fulfilments: newFulfilments,
			lines: newLines,
			events,
			actor: { userId: first.userId, tokenId: first.tokenId }
		});
		// The subscribers' statements (the ledger's payment postings) go out right behind the
		// write, and COMMIT behind them:
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
		const [[written]] = (await finish([write, ...statementsInTx(tx, 'order.placed', placed)])) as [
			{ lots: unknown; fulfilments: unknown }[]
		];
		for (const a of jsonValue<CounterJson[]>(written!.lots)) {
			published.lots.set(a.id, counterRow(a));
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
