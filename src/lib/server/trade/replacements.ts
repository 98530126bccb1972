// Replacement shipments of trade orders (issue 20; docs/TRADE.md "Replacements"): an exchange
// closed in a dispute, or the severe-defect rule of the inspection, owes the buyer a replacement
// of some pieces within `inspection.replacementDueHours`. This file writes trade_replacements /
// trade_replacement_lines and the replacement parcels; the pure rules are domain
// trade/replacement.ts.
//
// Money: the pieces' escrow stays held (every other release of the order leaves it, see
// `replacementSharesOf`) until the supplier ships the replacement (released less the fee,
// `trade:<order>:replacement-release:<source>`) or the deadline passes (refunded to the buyer,
// `trade:<order>:replacement-refund:<source>`, the `trade-replacement-timers` job). The freight
// is the supplier's: the order's freight quote pro rata per piece, charged when it ships
// (`supplier.charged`). Stock for the replacement pieces is taken from the lot's free stock
// through the stock module when it ships (409 `insufficient_stock` with `available`).
//
// Lock order: the replacement row, then the order row, then the lots (id order).
import { and, asc, eq, inArray, lte, notInArray, or, sql } from 'drizzle-orm';
import { TRACKING_NO, TRADE_CARRIERS, carrierOf, normaliseTrackingNo } from '$lib/trade/carriers';
import { refundItem, releaseAmounts, type TradePosting } from '$lib/domain/trade/escrow';
import {
	nextReplacement,
	replacementFreightFen,
	type ReplacementSource
} from '$lib/domain/trade/replacement';
import type { TradePolicy } from '$lib/domain/trade/policy';
import type { TradeReplacementView } from '$lib/trade/types';
import { z } from '$lib/server/validation';
import type { Principal } from '../auth/principal';
import { constraintOf, sqlState, type DbOrTx, type Tx } from '../db';
import {
	lots,
	tradeOrderEvents,
	tradeOrderLines,
	tradeOrders,
	tradeParcels,
	tradeReplacementLines,
	tradeReplacements
} from '../db/schema';
import { AppError, parse } from '../errors';
import { publishInTx, transaction } from '../events/bus';
import { isUuid } from '../ids';
import { currentPolicy, policyMax } from '../platform/policy';
import { allocateFree, settle } from '../stock';
import type { LotCounterRow } from '../stock/watch';
import { runDue } from './due-loop';
import { orderFor } from './sides';
import {
	escrowBook,
	orderNotFound,
	publishMoved,
	queueCashRefund,
	type MoveResult,
	type TradeOrderRow
} from './transition';

export type ReplacementRow = typeof tradeReplacements.$inferSelect;

const ReplacementParcel = z.object({
	// Our code in any case, the Chinese name or the 快递100 code: stored as our code.
	carrier: z
		.string({ error: 'trade.err.carrier' })
		.max(40)
		.transform((s) => carrierOf(s) ?? '')
		.pipe(z.enum(TRADE_CARRIERS, { error: 'trade.err.carrier' })),
	// The format is a rule of the carrier (422 naming the parcel's field), checked below.
	trackingNo: z.string({ error: 'trade.err.tracking_no' }).max(60).transform(normaliseTrackingNo),
	cartons: z.number().int({ error: 'v.integer' }).min(1).max(100_000).optional()
});

/** The supplier ships a replacement: `{ parcels: [{ carrier, trackingNo, cartons? }] }`. */
export const ReplacementShipInput = z.strictObject({
	parcels: z
		.array(ReplacementParcel)
		.min(1, { error: 'trade.err.no_parcels' })
		.superRefine(policyMax((pol) => pol.trade.orders.maxParcels, 'array'))
});
export type ReplacementShipInput = z.infer<typeof ReplacementShipInput>;

export const replacementNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.replacement.err.not_found', {
		field: 'replacementId'
	});

const refusal = (reason: 'illegal' | 'deadline_passed' | 'too_early', state: string) =>
	reason === 'deadline_passed'
		? new AppError('conflict', 'deadline_passed', 'trade.replacement.err.deadline_passed', {
				params: { state }
			})
		: new AppError('conflict', 'trade_state', 'trade.replacement.err.state', {
				params: { state }
			});

const duplicateTracking = (field: string) =>
	new AppError('conflict', 'duplicate_tracking', 'trade.err.duplicate_tracking', { field });

/**
 * Opens a replacement in the caller's transaction (which holds the order row): one per order and
 * source (a second call returns null and writes nothing). `lines` are the pieces per order line
 * and the escrow they hold (0 on a terms order, which has no escrow).
 */
export async function openReplacement(
	tx: Tx,
	order: Pick<TradeOrderRow, 'id' | 'paymentMode'>,
	a: {
		source: ReplacementSource;
		disputeId?: string | null;
		lines: readonly { lineId: string; quantity: number; heldFen: number }[];
		dueAt: Date;
		now: Date;
	}
): Promise<ReplacementRow | null> {
	const lines = a.lines
		.filter((l) => l.quantity > 0)
		.map((l) => ({ ...l, heldFen: order.paymentMode === 'escrow' ? l.heldFen : 0 }));
	const pieces = lines.reduce((s, l) => s + l.quantity, 0);
	if (pieces === 0) return null;
	const [row] = await tx
		.insert(tradeReplacements)
		.values({
			orderId: order.id,
			source: a.source,
			disputeId: a.disputeId ?? null,
			pieces,
			heldFen: lines.reduce((s, l) => s + l.heldFen, 0),
			createdAt: a.now,
			dueAt: a.dueAt
		})
		.onConflictDoNothing()
		.returning();
	if (!row) return null;
	await tx
		.insert(tradeReplacementLines)
		.values(lines.map((l) => ({ replacementId: row.id, ...l })));
	return row;
}

async function linesOf(tx: DbOrTx, replacementId: string) {
	return tx
		.select({
			lineId: tradeReplacementLines.lineId,
			quantity: tradeReplacementLines.quantity,
			heldFen: tradeReplacementLines.heldFen,
			lotId: tradeOrderLines.lotId
		})
		.from(tradeReplacementLines)
		.innerJoin(tradeOrderLines, eq(tradeOrderLines.id, tradeReplacementLines.lineId))
		.where(eq(tradeReplacementLines.replacementId, replacementId))
		.orderBy(asc(tradeOrderLines.lotId));
}

async function lockOrder(tx: Tx, orderId: string): Promise<TradeOrderRow> {
	const [order] = await tx
		.select()
		.from(tradeOrders)
		.where(eq(tradeOrders.id, orderId))
		.for('update');
	if (!order) throw orderNotFound();
	return order;
}

/** The order's version bumped with a timeline row (its state unchanged): pages refetch. */
async function touchOrder(
	tx: Tx,
	order: TradeOrderRow,
	action: 'ship_replacement' | 'replacement_missed',
	party: 'supplier' | 'system',
	userId: string | null,
	note: string,
	now: Date
): Promise<TradeOrderRow> {
	const [row] = await tx
		.update(tradeOrders)
		.set({ version: sql`${tradeOrders.version} + 1`, updatedAt: now })
		.where(eq(tradeOrders.id, order.id))
		.returning();
	await tx.insert(tradeOrderEvents).values({
		orderId: order.id,
		fromState: order.state,
		toState: order.state,
		action,
		actor: party,
		actorUserId: userId,
		note,
		at: now
	});
	return row!;
}

async function postMoney(
	tx: Tx,
	order: TradeOrderRow,
	kind: 'trade_release' | 'trade_refund',
	key: string,
	postings: TradePosting[],
	now: Date
): Promise<void> {
	if (postings.length === 0) return;
	await publishInTx(tx, 'trade.money', {
		kind,
		key,
		at: now,
		orderId: order.id,
		buyerOrgId: order.buyerOrgId,
		supplierId: order.supplierId,
		memo: `#${order.number}`,
		postings
	});
}

/** The order's pieces (for the freight share). */
async function orderPieces(tx: DbOrTx, orderId: string): Promise<number> {
	const [r] = await tx
		.select({ n: sql<number>`coalesce(sum(${tradeOrderLines.quantity}), 0)::int` })
		.from(tradeOrderLines)
		.where(eq(tradeOrderLines.orderId, orderId));
	return Number(r?.n ?? 0);
}

/**
 * The supplier ships a replacement due on its order: parcels with carrier and tracking
 * (replacement = true), the pieces taken from the lots' free stock, the held escrow released
 * less the fee, the freight charged to the supplier. Someone else's order or replacement → 404;
 * the buyer (or an operator) → 403; shipped / missed → 409 `trade_state`; at or after the
 * deadline → 409 `deadline_passed`; a tracking number the carrier would not issue → 422 at
 * `parcels.N.trackingNo`; not enough free stock → 409 `insufficient_stock` with `available`.
 */
export async function shipReplacement(
	p: Principal,
	rawOrderId: unknown,
	rawReplacementId: unknown,
	raw: unknown,
	now: Date = new Date(),
	policy: TradePolicy = currentPolicy().trade
): Promise<ReplacementRow> {
	void policy;
	const input = parse(ReplacementShipInput, raw);
	const seen = new Set<string>();
	input.parcels.forEach((x, i) => {
		if (!TRACKING_NO.test(x.trackingNo)) {
			throw new AppError('rule', 'tracking_no', 'trade.err.tracking_no', {
				field: `parcels.${i}.trackingNo`
			});
		}
		const k = `${x.carrier}|${x.trackingNo}`;
		if (seen.has(k)) throw duplicateTracking(`parcels.${i}.trackingNo`);
		seen.add(k);
	});
	try {
		const out = await transaction(async (tx) => {
			const { side } = await orderFor(p, rawOrderId, tx);
			if (typeof rawReplacementId !== 'string' || !isUuid(rawReplacementId)) {
				throw replacementNotFound();
			}
			const [r] = await tx
				.select()
				.from(tradeReplacements)
				.where(
					and(
						eq(tradeReplacements.id, rawReplacementId),
						eq(tradeReplacements.orderId, rawOrderId as string)
					)
				)
				.for('update');
			if (!r) throw replacementNotFound();
			if (side !== 'supplier') {
				throw new AppError('forbidden', 'wrong_actor', 'trade.replacement.err.supplier_only');
			}
			const step = nextReplacement(r, 'ship', now);
			if (!step.ok) throw refusal(step.reason, r.state);
			const order = await lockOrder(tx, r.orderId);
			const taken = await tx
				.select({ carrier: tradeParcels.carrier, trackingNo: tradeParcels.trackingNo })
				.from(tradeParcels)
				.where(
					or(
						...input.parcels.map((x) =>
							and(eq(tradeParcels.carrier, x.carrier), eq(tradeParcels.trackingNo, x.trackingNo))
						)
					)
				);
			if (taken.length > 0) {
				const i = input.parcels.findIndex((x) =>
					taken.some((t) => t.carrier === x.carrier && t.trackingNo === x.trackingNo)
				);
				throw duplicateTracking(`parcels.${i}.trackingNo`);
			}
			const lines = await linesOf(tx, r.id);
			// Stock: lots in id order; the pieces come from free stock and leave the warehouse.
			const perLot = new Map<string, number>();
			for (const l of lines) perLot.set(l.lotId, (perLot.get(l.lotId) ?? 0) + l.quantity);
			const stock: LotCounterRow[] = [];
			for (const [lotId, q] of [...perLot].sort(([a], [b]) => (a < b ? -1 : 1))) {
				const got = await allocateFree(tx, lotId, q);
				if (!got)
					throw await shortage(
						tx,
						lotId,
						lines.findIndex((l) => l.lotId === lotId)
					);
				const after = await settle(tx, lotId, { onHand: -1, allocated: -1 }, q);
				if (after) stock.push(after);
			}
			await tx.insert(tradeParcels).values(
				input.parcels.map((x) => ({
					orderId: order.id,
					carrier: x.carrier,
					trackingNo: x.trackingNo,
					cartons: x.cartons ?? 1,
					shippedAt: now,
					replacement: true,
					replacementId: r.id
				}))
			);
			let released = 0;
			if (order.paymentMode === 'escrow' && r.heldFen > 0) {
				const orderLines = await tx
					.select()
					.from(tradeOrderLines)
					.where(eq(tradeOrderLines.orderId, order.id))
					.orderBy(asc(tradeOrderLines.lotId));
				const rel = releaseAmounts(
					escrowBook(order, orderLines).book,
					lines.map((l) => ({ itemId: l.lineId, amountFen: l.heldFen }))
				);
				released = r.heldFen;
				await postMoney(
					tx,
					order,
					'trade_release',
					`trade:${order.id}:replacement-release:${r.source}`,
					rel.postings,
					now
				);
			}
			const freight = replacementFreightFen(
				{ freightFen: order.freightFen, pieces: await orderPieces(tx, order.id) },
				r.pieces
			);
			if (freight > 0) {
				await publishInTx(tx, 'supplier.charged', {
					supplierId: order.supplierId,
					amountFen: freight,
					reason: `replacement freight #${order.number}`,
					refId: `trade-replacement:${r.id}`
				});
			}
			const [after] = await tx
				.update(tradeReplacements)
				.set({
					state: 'shipped',
					shippedAt: now,
					closedAt: now,
					releasedFen: released,
					freightChargeFen: freight,
					version: r.version + 1
				})
				.where(and(eq(tradeReplacements.id, r.id), eq(tradeReplacements.version, r.version)))
				.returning();
			if (!after) throw new Error(`replacement ${r.id} changed under its row lock`);
			const touched = await touchOrder(
				tx,
				order,
				'ship_replacement',
				'supplier',
				p.userId,
				input.parcels.map((x) => `${x.carrier} ${x.trackingNo}`).join(', '),
				now
			);
			return { after, moved: { row: touched, from: order.state, stock } satisfies MoveResult };
		});
		publishMoved([out.moved]);
		return out.after;
	} catch (e) {
		// Two shipments racing for one tracking number: the unique index decides.
		if (sqlState(e) === '23505' && constraintOf(e) === 'trade_parcels_tracking_key') {
			throw duplicateTracking('parcels');
		}
		throw e;
	}
}

/** 409 `insufficient_stock` for a replacement's lot, with what is free. */
async function shortage(tx: Tx, lotId: string, index: number): Promise<AppError> {
	const [lot] = await tx
		.select({ onHand: lots.onHand, locked: lots.locked, allocated: lots.allocated })
		.from(lots)
		.where(eq(lots.id, lotId));
	const available = Math.max(0, (lot?.onHand ?? 0) - (lot?.locked ?? 0) - (lot?.allocated ?? 0));
	return new AppError('conflict', 'insufficient_stock', 'trade.err.insufficient_stock', {
		field: `lines.${Math.max(0, index)}.quantity`,
		params: { available },
		details: { available, lines: [{ lotId, available }] }
	});
}

/** A missed replacement: its held escrow back to the buyer (cash first), the refund row. */
async function miss(
	tx: Tx,
	r: ReplacementRow,
	now: Date
): Promise<{ after: ReplacementRow; moved: MoveResult }> {
	const order = await lockOrder(tx, r.orderId);
	let refunded = 0;
	if (order.paymentMode === 'escrow' && r.heldFen > 0) {
		const lines = await linesOf(tx, r.id);
		const orderLines = await tx
			.select()
			.from(tradeOrderLines)
			.where(eq(tradeOrderLines.orderId, order.id))
			.orderBy(asc(tradeOrderLines.lotId));
		let { book } = escrowBook(order, orderLines);
		const postings: TradePosting[] = [];
		for (const l of lines) {
			if (l.heldFen === 0) continue;
			const part = refundItem(book, l.lineId, l.heldFen);
			book = part.book;
			postings.push(...part.postings);
		}
		const key = `trade:${order.id}:replacement-refund:${r.source}`;
		await postMoney(tx, order, 'trade_refund', key, postings, now);
		refunded = r.heldFen;
		await queueCashRefund(tx, order.id, postings, 'replacement_missed', key, now);
	}
	const [after] = await tx
		.update(tradeReplacements)
		.set({ state: 'missed', closedAt: now, refundedFen: refunded, version: r.version + 1 })
		.where(and(eq(tradeReplacements.id, r.id), eq(tradeReplacements.version, r.version)))
		.returning();
	if (!after) throw new Error(`replacement ${r.id} changed under its row lock`);
	const touched = await touchOrder(
		tx,
		order,
		'replacement_missed',
		'system',
		null,
		`${r.source}: ${r.pieces}`,
		now
	);
	return { after, moved: { row: touched, from: order.state, stock: [] } };
}

/**
 * The replacement timer job: every replacement still due at its deadline is missed — its held
 * escrow refunded to the buyer. Safe on several nodes: each is claimed FOR UPDATE SKIP LOCKED in
 * its own transaction and re-checked under the lock (a shipment racing the job: one wins).
 */
export async function runReplacementTimers(
	now: Date = new Date(),
	limit = 200
): Promise<{ moved: number }> {
	return runDue(
		'replacement timer',
		limit,
		async (tx, passed, claim) => {
			const [r] = await tx
				.select()
				.from(tradeReplacements)
				.where(
					and(
						eq(tradeReplacements.state, 'due'),
						lte(tradeReplacements.dueAt, now),
						passed.length ? notInArray(tradeReplacements.id, [...passed]) : sql`true`
					)
				)
				.orderBy(asc(tradeReplacements.dueAt))
				.limit(1)
				.for('update', { skipLocked: true });
			if (!r) return null;
			claim(r.id);
			if (!nextReplacement(r, 'timeout', now).ok) return false;
			return miss(tx, r, now);
		},
		(r) => publishMoved([r.moved])
	);
}

/** The replacements of some orders as their views show them (pieces per line, parcels). */
export async function replacementViews(
	tx: DbOrTx,
	orderIds: readonly string[]
): Promise<Map<string, TradeReplacementView[]>> {
	const out = new Map<string, TradeReplacementView[]>();
	if (orderIds.length === 0) return out;
	const rows = await tx
		.select()
		.from(tradeReplacements)
		.where(inArray(tradeReplacements.orderId, [...orderIds]))
		.orderBy(asc(tradeReplacements.createdAt));
	if (rows.length === 0) return out;
	const ids = rows.map((r) => r.id);
	const [lines, parcels] = await Promise.all([
		tx
			.select()
			.from(tradeReplacementLines)
			.where(inArray(tradeReplacementLines.replacementId, ids)),
		tx
			.select()
			.from(tradeParcels)
			.where(inArray(tradeParcels.replacementId, ids))
			.orderBy(asc(tradeParcels.shippedAt))
	]);
	for (const r of rows) {
		const list = out.get(r.orderId) ?? [];
		list.push({
			id: r.id,
			source: r.source,
			state: r.state,
			pieces: r.pieces,
			heldFen: r.heldFen,
			freightChargeFen: r.freightChargeFen,
			releasedFen: r.releasedFen,
			refundedFen: r.refundedFen,
			dueAt: r.dueAt.toISOString(),
			shippedAt: r.shippedAt?.toISOString() ?? null,
			closedAt: r.closedAt?.toISOString() ?? null,
			lines: lines
				.filter((l) => l.replacementId === r.id)
				.map((l) => ({ lineId: l.lineId, quantity: l.quantity, heldFen: l.heldFen })),
			parcels: parcels
				.filter((x) => x.replacementId === r.id)
				.map((x) => ({
					id: x.id,
					carrier: x.carrier,
					trackingNo: x.trackingNo,
					cartons: x.cartons,
					shippedAt: x.shippedAt.toISOString(),
					deliveredAt: x.deliveredAt?.toISOString() ?? null
				}))
		});
		out.set(r.orderId, list);
	}
	return out;
}
