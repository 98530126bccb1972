// The one place a trade order changes state (docs/TRADE.md "Order states and timers").
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import {
	deadlines,
	isTerminal,
	next,
	runningTimer,
	type TradeAction,
	type TradeActor,
	type TradeOrderState
} from '$lib/domain/trade/order-state';
import type { TradePolicy } from '$lib/domain/trade/policy';
import {
	openEscrow,
	refundAll,
	releaseAll,
	releaseAmounts,
	type EscrowBook,
	type EscrowItemInput,
	type TradePosting
} from '$lib/domain/trade/escrow';
import { CASH } from '$lib/domain/ledger';
import type { Tx } from '../db';
import {
	tradeOrderEvents,
	tradeOrderLines,
	tradeOrders,
	tradeParcels,
	tradePaymentIntents,
	tradeRefunds
} from '../db/schema';
import { AppError } from '../errors';
import { publishCommitted, publishInTx } from '../events/bus';
import { publishLockChanges, settle } from '../stock';
import type { LotCounterRow } from '../stock/watch';
import { termsMoney } from './credit';
import { orderChanged } from './publish';
import { replacementSharesOf } from './replacement-shares';

export type TradeOrderRow = typeof tradeOrders.$inferSelect;
export type TradeOrderLineRow = typeof tradeOrderLines.$inferSelect;

export interface MoveInput {
	orderId: string;
	action: TradeAction;
	actor: { party: TradeActor; userId: string | null };
	now: Date;
	policy: TradePolicy;
	note?: string | null;
	/**
	 * Optional collector: the lots' counters the step changed (cancel → released, ship →
	 * consumed) are pushed here, so the caller publishes them after commit (`publishMoved`).
	 */
	stockOut?: LotCounterRow[];
}

/** What one `moveOrder` did: the row after, the state before, the lots' counters it changed. */
export interface MoveResult {
	row: TradeOrderRow;
	from: TradeOrderState;
	stock: LotCounterRow[];
}

/** The trade order that does not exist, or is not the caller's: 404 either way. */
export const orderNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.err.not_found', { field: 'orderId' });

/**
 * The one place a trade order changes state, inside the caller's `transaction()` (events/bus):
 * locks the order row (FOR UPDATE), asks domain `next()`, applies the step's stock effect through
 * the stock module (release the allocation on cancel, settle as shipped on ship) and its money
 * effect (escrow postings published as `trade.money` in the transaction), writes state, the step's
 * timestamp, `due_at`, `version + 1` and a `trade_order_events` row. Refusals throw AppError
 * (409 `trade_state` / `deadline_passed`, 403 `wrong_actor`). Returns the row after. The caller
 * publishes `trade.order.changed` after commit with `orderChanged(row)` — or `publishMoved`,
 * which also publishes the stock counters collected in `input.stockOut`.
 */
export async function move(tx: Tx, input: MoveInput): Promise<TradeOrderRow> {
	const r = await moveOrder(tx, input);
	input.stockOut?.push(...r.stock);
	return r.row;
}

/** `move`, returning the stock counters it changed with the row. */
export async function moveOrder(tx: Tx, input: MoveInput): Promise<MoveResult> {
	const { now, policy, action } = input;
	const [order] = await tx
		.select()
		.from(tradeOrders)
		.where(eq(tradeOrders.id, input.orderId))
		.for('update');
	if (!order) throw orderNotFound();
	const parcels =
		action === 'ship'
			? Number(
					(
						await tx
							.select({ n: count() })
							.from(tradeParcels)
							.where(and(eq(tradeParcels.orderId, order.id), eq(tradeParcels.replacement, false)))
					)[0]?.n ?? 0
				)
			: 0;
	const step = next(
		{
			state: order.state,
			createdAt: order.createdAt,
			paidAt: order.paidAt,
			arrivedAt: order.arrivedAt,
			parcels
		},
		action,
		input.actor.party,
		now,
		policy
	);
	if (!step.ok) throw refusal(step, order.state, action);

	const lines = await tx
		.select()
		.from(tradeOrderLines)
		.where(eq(tradeOrderLines.orderId, order.id))
		.orderBy(asc(tradeOrderLines.lotId));

	// Stock: lots in id order (docs/STOCK.md lock order), one settle per lot.
	const stock: LotCounterRow[] = [];
	if (step.stock !== 'none') {
		const perUnit =
			step.stock === 'consume' ? { onHand: -1, allocated: -1 } : { onHand: 0, allocated: -1 };
		for (const [lotId, q] of perLot(lines)) {
			const after = await settle(tx, lotId, perUnit, q);
			if (after) stock.push(after);
		}
	}

	// Money: the escrow postings of the step, in this transaction (the ledger subscribes).
	// Orders on credit terms (issue 21) have no escrow: nothing moves here for them.
	if (step.money !== 'none' && order.paymentMode === 'escrow') {
		await moveMoney(tx, order, lines, step.money, action, now);
	}
	// A terms order's release becomes the buyer's invoice; a refund leaves the exposure (credit.ts).
	if (step.money !== 'none' && order.paymentMode === 'terms') {
		await termsMoney(tx, order, step.money, now, policy);
	}
	if (step.to === 'cancelled_unpaid') {
		// The buyer can no longer pay it: open intents are void (a late payment is refunded by
		// the payments side, which finds the intent cancelled).
		await tx
			.update(tradePaymentIntents)
			.set({ status: 'cancelled' })
			.where(
				and(
					eq(tradePaymentIntents.kind, 'order'),
					eq(tradePaymentIntents.refId, order.id),
					inArray(tradePaymentIntents.status, ['created', 'pending'])
				)
			);
	}
	if (step.to === 'released') {
		for (const l of lines) {
			await publishInTx(tx, 'sale.recorded', {
				lotId: l.lotId,
				buyerKey: order.buyerOrgId,
				quantity: l.quantity,
				amountFen: l.goodsFen,
				channel: 'wholesale',
				orderRef: l.id,
				soldAt: now
			});
		}
	}

	const clock = {
		createdAt: order.createdAt,
		paidAt: step.to === 'paid' ? now : order.paidAt,
		arrivedAt: step.to === 'arrived' ? now : order.arrivedAt
	};
	const patch: Partial<typeof tradeOrders.$inferInsert> = {
		state: step.to,
		version: order.version + 1,
		updatedAt: now,
		dueAt: dueOf(step.to, clock, policy, now)
	};
	if (step.to === 'paid') patch.paidAt = now;
	if (step.to === 'accepted') patch.acceptedAt = now;
	if (step.to === 'packed') patch.packedAt = now;
	if (step.to === 'shipped') patch.shippedAt = now;
	if (step.to === 'arrived') patch.arrivedAt = now;
	if (step.to === 'accepted_by_buyer' || step.to === 'auto_accepted') {
		patch.acceptedByBuyerAt = now;
	}
	if (step.to === 'released') patch.releasedAt = now;
	if (isTerminal(step.to)) patch.closedAt = now;

	const [row] = await tx
		.update(tradeOrders)
		.set(patch)
		.where(and(eq(tradeOrders.id, order.id), eq(tradeOrders.version, order.version)))
		.returning();
	// The row is locked: the version cannot have moved under us.
	if (!row) throw new Error(`trade order ${order.id} changed under its row lock`);
	await tx.insert(tradeOrderEvents).values({
		orderId: order.id,
		fromState: order.state,
		toState: step.to,
		action,
		// The trade_party enum has no carrier: the carrier's event is a system fact (noted).
		actor: input.actor.party === 'carrier' ? 'system' : input.actor.party,
		actorUserId: input.actor.userId,
		note: input.note ?? (input.actor.party === 'carrier' ? 'carrier' : null),
		at: now
	});
	return { row, from: order.state, stock };
}

/** After commit: the lots' counters to their watchers, then `trade.order.changed` per order. */
export function publishMoved(results: readonly MoveResult[]): void {
	for (const r of results) {
		for (const lot of r.stock) publishLockChanges(lot, []);
		publishCommitted('trade.order.changed', orderChanged(r.row, 'changed'));
	}
}

/** The running timer's deadline in `state` (null when no timer runs): `trade_orders.due_at`. */
export function dueOf(
	state: TradeOrderState,
	clock: { createdAt: Date; paidAt: Date | null; arrivedAt: Date | null },
	policy: TradePolicy,
	now: Date
): Date | null {
	// Accepted (by the buyer or automatically): the release is due at once; the timer job picks
	// up any order left there (the callers release in the same transaction).
	if (state === 'accepted_by_buyer' || state === 'auto_accepted') return now;
	const timer = runningTimer(state);
	return timer ? deadlines(clock, policy)[timer] : null;
}

function perLot(lines: readonly TradeOrderLineRow[]): [string, number][] {
	const m = new Map<string, number>();
	for (const l of lines) m.set(l.lotId, (m.get(l.lotId) ?? 0) + l.quantity);
	return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The order's escrow items: each line (goods + packaging) and the freight. */
export function escrowItems(
	order: Pick<TradeOrderRow, 'id' | 'freightFen'>,
	lines: readonly TradeOrderLineRow[]
): EscrowItemInput[] {
	const items: EscrowItemInput[] = lines.map((l) => ({
		itemId: l.id,
		lotId: l.lotId,
		kind: 'goods',
		amountFen: l.lineFen,
		creditFen: l.creditFen
	}));
	if (order.freightFen > 0) {
		items.push({
			itemId: `${order.id}:freight`,
			lotId: null,
			kind: 'freight',
			amountFen: order.freightFen,
			creditFen: 0
		});
	}
	return items;
}

/** The order's escrow book as funded at payment (nothing refunded or released yet). */
export function escrowBook(
	order: TradeOrderRow,
	lines: readonly TradeOrderLineRow[]
): { book: EscrowBook; payment: TradePosting[] } {
	const { book, payment } = openEscrow(
		{ orderId: order.id, supplierOrgId: order.supplierId, feeBp: order.feeBp },
		escrowItems(order, lines)
	);
	return { book, payment };
}

async function moveMoney(
	tx: Tx,
	order: TradeOrderRow,
	lines: readonly TradeOrderLineRow[],
	money: 'escrow_in' | 'refund_all' | 'release' | 'by_ruling',
	action: TradeAction,
	now: Date
): Promise<void> {
	// Rulings (issue 20) post their own split; the dispute module owns them.
	if (money === 'by_ruling') return;
	const { book, payment } = escrowBook(order, lines);
	const base = {
		at: now,
		orderId: order.id,
		buyerOrgId: order.buyerOrgId,
		supplierId: order.supplierId,
		memo: `#${order.number}`
	};
	if (money === 'escrow_in') {
		await publishInTx(tx, 'trade.money', {
			...base,
			kind: 'trade_payment',
			key: `trade:${order.id}:pay`,
			postings: payment
		});
		return;
	}
	if (money === 'release') {
		// A replacement's pieces (severe-defect rule) stay held until it ships or is missed.
		const shares = await replacementSharesOf(tx, order.id);
		const parts = book.items
			.map((i) => ({ itemId: i.itemId, amountFen: i.amountFen - (shares.get(i.itemId) ?? 0) }))
			.filter((x) => x.amountFen > 0);
		if (parts.length === 0) return;
		const r = shares.size === 0 ? releaseAll(book) : releaseAmounts(book, parts);
		await publishInTx(tx, 'trade.money', {
			...base,
			kind: 'trade_release',
			key: `trade:${order.id}:release`,
			postings: r.postings
		});
		return;
	}
	// refund_all: every item back (cash to the buyer first, credited part to the supplier).
	const r = refundAll(book);
	if (r.postings.length === 0) return;
	await publishInTx(tx, 'trade.money', {
		...base,
		kind: 'trade_refund',
		key: `trade:${order.id}:refund`,
		postings: r.postings
	});
	await queueCashRefund(tx, order.id, r.postings, action, `trade:${order.id}:refund`, now);
}

/**
 * The cash part of refund postings (what leaves the platform's cash account) goes back through
 * the provider the buyer paid with: a pending refund row against the order's confirmed intent,
 * once per key; the provider (payments) pays it out and completes it. Returns the cash amount
 * (0: nothing to pay back, or no confirmed intent, e.g. paid on terms).
 */
export async function queueCashRefund(
	tx: Tx,
	orderId: string,
	postings: readonly TradePosting[],
	reason: string,
	idempotencyKey: string,
	now: Date
): Promise<number> {
	const cashBack = -postings
		.filter((p) => p.account.kind === CASH.kind && p.account.orgId === null)
		.reduce((s, p) => s + p.amountFen, 0);
	if (cashBack <= 0) return 0;
	const [intent] = await tx
		.select({ id: tradePaymentIntents.id })
		.from(tradePaymentIntents)
		.where(
			and(
				eq(tradePaymentIntents.kind, 'order'),
				eq(tradePaymentIntents.refId, orderId),
				eq(tradePaymentIntents.status, 'confirmed')
			)
		)
		.limit(1);
	if (!intent) return 0;
	await tx
		.insert(tradeRefunds)
		.values({
			intentId: intent.id,
			amountFen: cashBack,
			reason,
			status: 'pending',
			idempotencyKey,
			createdAt: now
		})
		.onConflictDoNothing();
	return cashBack;
}

function refusal(
	step: Exclude<ReturnType<typeof next>, { ok: true }>,
	state: TradeOrderState,
	action: TradeAction
): AppError {
	switch (step.reason) {
		case 'wrong_actor':
			return new AppError('forbidden', 'wrong_actor', 'trade.err.wrong_actor', {
				params: { state, action }
			});
		case 'deadline_passed':
			return new AppError('conflict', 'deadline_passed', 'trade.err.deadline_passed', {
				params: { state, action, deadline: step.deadline.toISOString() },
				details: { deadline: step.deadline.toISOString() }
			});
		case 'too_early':
			return new AppError('conflict', 'trade_state', 'trade.err.too_early', {
				params: { state, action, deadline: step.deadline.toISOString() },
				details: { deadline: step.deadline.toISOString() }
			});
		case 'no_parcels':
			return new AppError('rule', 'no_parcels', 'trade.err.no_parcels', { field: 'parcels' });
		case 'illegal':
			return new AppError('conflict', 'trade_state', 'trade.err.state', {
				params: { state, action }
			});
	}
}
