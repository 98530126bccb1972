// Paying trade orders through a PaymentProvider (server/payments): the test provider confirms
// when the buyer presses pay; a bank transfer is confirmed by an operator with the bank's serial
// number. Either way the confirmation and the order's move to `paid` (escrow in, posted by
// `move` as `trade.money`) commit together. Lock order: the order row, then its intent.
import { and, asc, desc, eq, gte, inArray, ne, or, sql } from 'drizzle-orm';
import { deadlines } from '$lib/domain/trade/order-state';
import type { TradeOrderView, TradePaymentView } from '$lib/trade/types';
import { isOperator, type Principal } from '../auth/principal';
import { constraintOf, db, sqlState, type Tx } from '../db';
import { tradeOrderEvents, tradeOrders, tradePaymentIntents, tradeRefunds } from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { transaction } from '../events/bus';
import {
	BankTransferError,
	paymentProvider,
	providerEnabled,
	TestProviderError,
	type PaymentConfirmation,
	type PaymentProvider,
	type WebhookRequest
} from '../payments';
import { currentPolicy } from '../platform/policy';
import { providerUnavailable } from './checkout';
import { isUuid } from '$lib/server/validation';
import { getOrder } from './queries';
import { ConfirmTransferInput } from './schemas';
import { actorOf, orderFor } from './sides';
import { moveOrder, publishMoved, type MoveResult, type TradeOrderRow } from './transition';

type IntentRow = typeof tradePaymentIntents.$inferSelect;

const intentNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.err.intent_not_found', { field: 'intentId' });

/** The order's payment intent (the latest), locked when `lock`. */
async function orderIntent(tx: Tx, orderId: string, lock = false): Promise<IntentRow | undefined> {
	const q = tx
		.select()
		.from(tradePaymentIntents)
		.where(and(eq(tradePaymentIntents.kind, 'order'), eq(tradePaymentIntents.refId, orderId)))
		.orderBy(desc(tradePaymentIntents.createdAt))
		.limit(1);
	const [row] = lock ? await q.for('update') : await q;
	return row;
}

async function recordConfirmation(tx: Tx, intent: IntentRow, c: PaymentConfirmation) {
	try {
		await tx
			.update(tradePaymentIntents)
			.set({
				status: 'confirmed',
				providerRef: c.providerRef,
				confirmedAt: c.paidAt,
				confirmedBy: c.confirmedByUserId
			})
			.where(eq(tradePaymentIntents.id, intent.id));
	} catch (e) {
		// The unique (provider, provider_ref) index: this reference confirmed another intent.
		if (sqlState(e) === '23505' && constraintOf(e) === 'trade_payment_intents_provider_ref') {
			throw referenceUsed();
		}
		throw e;
	}
}

const referenceUsed = () =>
	new AppError('conflict', 'reference_used', 'trade.err.reference_used', { field: 'reference' });

/** The buyer pays an order through the test provider (tests and the demo): order → paid. */
export async function payWithTestProvider(
	p: Principal,
	orderId: string,
	now: Date = new Date()
): Promise<TradeOrderView> {
	const policy = currentPolicy().trade;
	const { id, moved } = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, orderId, tx, true);
		if (side !== 'buyer') throw forbidden('trade.err.buyer_only');
		const intent = await orderIntent(tx, order.id, true);
		if (!intent) throw intentNotFound();
		if (intent.provider !== 'test') {
			throw new AppError('rule', 'not_test_provider', 'trade.err.not_test_provider', {
				field: 'provider'
			});
		}
		if (!providerEnabled('test')) throw providerUnavailable();
		// Paid already (a double click, a retry): nothing more to do.
		if (intent.status === 'confirmed') return { id: order.id, moved: null };
		let confirmation: PaymentConfirmation;
		try {
			confirmation = await paymentProvider('test').confirm({
				intentId: intent.id,
				providerRef: intent.instructions.token ?? '',
				amountFen: intent.amountFen,
				operatorUserId: null,
				at: now
			});
		} catch (e) {
			if (e instanceof TestProviderError) {
				throw new AppError('rule', 'payment_failed', 'trade.err.payment_failed', {
					details: { reason: e.code }
				});
			}
			throw e;
		}
		if (confirmation.amountFen !== intent.amountFen) throw amountMismatch();
		// The provider's callback is a system fact (domain: pay by system or operator).
		const r = await moveOrder(tx, {
			orderId: order.id,
			action: 'pay',
			actor: { party: 'system', userId: null },
			now,
			policy,
			note: 'test'
		});
		await recordConfirmation(tx, intent, confirmation);
		return { id: order.id, moved: r };
	});
	if (moved) publishMoved([moved]);
	return getOrder(p, id);
}

const amountMismatch = () =>
	new AppError('rule', 'amount_mismatch', 'trade.err.amount_mismatch', { field: 'amountFen' });

/**
 * An operator confirms a received bank transfer (raw `{ reference }`, the bank's serial). The
 * serial is the provider reference: unique, so one transfer never pays two orders; confirming
 * the same intent again with the same serial changes nothing. A transfer that arrives after the
 * unpaid timeout cancelled the order (or when it is due to) is recorded and refunded: the order
 * stays cancelled, a `trade_refunds` row (reason `late_payment`) asks the operator to pay it
 * back, and the order's history says so. No escrow was opened, so no ledger posting is made.
 */
export async function confirmBankTransfer(
	p: Principal,
	intentId: string,
	raw: unknown,
	now: Date = new Date()
): Promise<TradeOrderView> {
	if (!isOperator(p) || !p.userId) throw forbidden('trade.err.operator_only');
	const operatorId = p.userId;
	const { reference } = parse(ConfirmTransferInput, raw);
	if (!isUuid(intentId)) throw intentNotFound();
	const { orderId, moved } = await transaction(async (tx) => {
		const [first] = await tx
			.select({ refId: tradePaymentIntents.refId, kind: tradePaymentIntents.kind })
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.id, intentId.toLowerCase()));
		if (!first || first.kind !== 'order') throw intentNotFound();
		// The order row first (the lock `move` takes), then the intent.
		const [order] = await tx
			.select()
			.from(tradeOrders)
			.where(eq(tradeOrders.id, first.refId))
			.for('update');
		if (!order) throw intentNotFound();
		const [intent] = await tx
			.select()
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.id, intentId.toLowerCase()))
			.for('update');
		if (!intent) throw intentNotFound();
		if (intent.provider !== 'bank_transfer') {
			throw new AppError('rule', 'not_bank_transfer', 'trade.err.not_bank_transfer', {
				field: 'intentId'
			});
		}
		if (intent.status === 'confirmed') {
			if (intent.providerRef === reference) return { orderId: order.id, moved: null };
			throw new AppError('conflict', 'already_confirmed', 'trade.err.already_confirmed', {
				field: 'reference'
			});
		}
		const [used] = await tx
			.select({ id: tradePaymentIntents.id })
			.from(tradePaymentIntents)
			.where(
				and(
					eq(tradePaymentIntents.provider, 'bank_transfer'),
					eq(tradePaymentIntents.providerRef, reference),
					ne(tradePaymentIntents.id, intent.id)
				)
			)
			.limit(1);
		if (used) throw referenceUsed();
		let confirmation: PaymentConfirmation;
		try {
			confirmation = await paymentProvider('bank_transfer').confirm({
				intentId: intent.id,
				providerRef: reference,
				amountFen: intent.amountFen,
				operatorUserId: operatorId,
				at: now
			});
		} catch (e) {
			if (e instanceof BankTransferError) {
				throw new AppError('invalid', 'invalid_input', 'trade.err.bank_reference', {
					field: 'reference'
				});
			}
			throw e;
		}

		const r = await applyConfirmation(tx, order, intent, confirmation, {
			actor: { party: 'operator', userId: operatorId },
			note: reference,
			now
		});
		return { orderId: order.id, moved: r };
	});
	if (moved) publishMoved([moved]);
	return getOrder(p, orderId);
}

/**
 * A confirmed payment of an order (the order and intent rows locked by the caller): before the
 * unpaid deadline the order moves to paid (escrow in); at or after it the order is (or is now)
 * cancelled unpaid, and the money is recorded and refunded (`late_payment`). Returns the move,
 * if any, to publish after commit.
 */
async function applyConfirmation(
	tx: Tx,
	order: TradeOrderRow,
	intent: IntentRow,
	confirmation: PaymentConfirmation,
	opts: { actor: { party: 'operator' | 'system'; userId: string | null }; note: string; now: Date }
): Promise<MoveResult | null> {
	const { now } = opts;
	const policy = currentPolicy().trade;
	const unpaidDue = deadlines(order, policy).unpaid;
	if (order.state === 'pending_payment' && now.getTime() < unpaidDue.getTime()) {
		const r = await moveOrder(tx, {
			orderId: order.id,
			action: 'pay',
			actor: opts.actor,
			now,
			policy,
			note: opts.note
		});
		await recordConfirmation(tx, intent, confirmation);
		return r;
	}
	// Too late: the unpaid timeout has run out (the timer job may not have got to it yet).
	let r: MoveResult | null = null;
	let current: TradeOrderRow = order;
	if (order.state === 'pending_payment') {
		r = await moveOrder(tx, {
			orderId: order.id,
			action: 'expire_unpaid',
			actor: { party: 'system', userId: null },
			now,
			policy
		});
		current = r.row;
	}
	if (current.state !== 'cancelled_unpaid') {
		throw new AppError('conflict', 'trade_state', 'trade.err.state', {
			params: { state: current.state, action: 'pay' }
		});
	}
	await recordConfirmation(tx, intent, confirmation);
	await refundLatePayment(tx, intent, current, opts.actor, now);
	return r;
}

async function refundLatePayment(
	tx: Tx,
	intent: IntentRow,
	order: TradeOrderRow,
	actor: { party: 'operator' | 'system'; userId: string | null },
	now: Date
): Promise<void> {
	const idempotencyKey = `trade:${order.id}:late:${intent.id}`;
	const refund = await paymentProvider(
		intent.provider === 'test' ? 'test' : 'bank_transfer'
	).refund({
		intentId: intent.id,
		amountFen: intent.amountFen,
		reason: 'late_payment',
		idempotencyKey
	});
	await tx
		.insert(tradeRefunds)
		.values({
			id: refund.refundId,
			intentId: intent.id,
			amountFen: intent.amountFen,
			reason: 'late_payment',
			status: refund.status,
			providerRef: refund.providerRef,
			idempotencyKey,
			createdAt: now,
			completedAt: refund.status === 'succeeded' ? now : null
		})
		.onConflictDoNothing();
	await tx.insert(tradeOrderEvents).values({
		orderId: order.id,
		fromState: order.state,
		toState: order.state,
		action: 'late_payment_refund',
		actor: actor.party,
		actorUserId: actor.userId,
		note: 'trade.pay.refund.late_payment',
		at: now
	});
}

/**
 * A payment provider's webhook (the test provider signs its events; a bank transfer has none):
 * the signature is checked over the exact bytes (400 `bad_signature`), then a confirmed payment
 * is applied as the provider's (system) confirmation — paid before the unpaid deadline, else
 * recorded and refunded — and a failed one marks the intent failed. Repeats are harmless.
 */
export async function handlePaymentWebhook(
	name: 'bank_transfer' | 'test',
	request: WebhookRequest,
	now: Date = new Date()
): Promise<{ handled: boolean; orderId: string | null }> {
	let event: Awaited<ReturnType<PaymentProvider['parseWebhook']>>;
	if (!providerEnabled(name)) throw providerUnavailable();
	try {
		event = await paymentProvider(name).parseWebhook(request);
	} catch (e) {
		if (e instanceof TestProviderError) {
			throw new AppError('invalid', 'bad_signature', 'trade.err.webhook', { field: 'body' });
		}
		throw e;
	}
	if (!event || (event.type !== 'payment.confirmed' && event.type !== 'payment.failed')) {
		return { handled: false, orderId: null };
	}
	const intentId =
		event.type === 'payment.confirmed' ? event.confirmation.intentId : event.intentId;
	if (!isUuid(intentId)) throw intentNotFound();
	const { orderId, moved } = await transaction(async (tx) => {
		const [first] = await tx
			.select({ refId: tradePaymentIntents.refId, kind: tradePaymentIntents.kind })
			.from(tradePaymentIntents)
			.where(and(eq(tradePaymentIntents.id, intentId), eq(tradePaymentIntents.provider, name)));
		if (!first || first.kind !== 'order') throw intentNotFound();
		const [order] = await tx
			.select()
			.from(tradeOrders)
			.where(eq(tradeOrders.id, first.refId))
			.for('update');
		const [intent] = await tx
			.select()
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.id, intentId))
			.for('update');
		if (!order || !intent) throw intentNotFound();
		if (intent.status === 'confirmed') return { orderId: order.id, moved: null };
		if (event.type === 'payment.failed') {
			await tx
				.update(tradePaymentIntents)
				.set({ status: 'failed' })
				.where(eq(tradePaymentIntents.id, intent.id));
			return { orderId: order.id, moved: null };
		}
		if (event.confirmation.amountFen !== intent.amountFen) throw amountMismatch();
		const r = await applyConfirmation(tx, order, intent, event.confirmation, {
			actor: { party: 'system', userId: null },
			note: `webhook:${name}`,
			now
		});
		return { orderId: order.id, moved: r };
	});
	if (moved) publishMoved([moved]);
	return { handled: true, orderId };
}

export interface PendingTransfer extends TradePaymentView {
	orderId: string;
	orderNumber: number;
	buyerName: string;
	supplierName: string;
	createdAt: string;
	/** pending_payment, or cancelled_unpaid for a transfer that may still arrive late. */
	orderState?: TradeOrderRow['state'];
}

/** How long after an unpaid cancellation a late transfer is still listed for the operator. */
const LATE_TRANSFER_DAYS = 7;

/**
 * Bank transfers waiting for an operator (operators only): unconfirmed intents of unpaid orders,
 * oldest first, then those of orders cancelled unpaid in the last days (a late transfer is
 * confirmed and refunded).
 */
export async function pendingBankTransfers(
	p: Principal,
	now: Date = new Date()
): Promise<PendingTransfer[]> {
	if (!isOperator(p)) throw forbidden('trade.err.operator_only');
	const since = new Date(now.getTime() - LATE_TRANSFER_DAYS * 86_400_000);
	const rows = await db()
		.select({
			i: tradePaymentIntents,
			orderId: tradeOrders.id,
			number: tradeOrders.number,
			state: tradeOrders.state,
			buyerName: sql<string>`(select g.name from orgs g where g.id = "trade_orders"."buyer_org_id")`,
			supplierName: sql<string>`(select g.name from orgs g where g.id = "trade_orders"."supplier_id")`
		})
		.from(tradePaymentIntents)
		.innerJoin(tradeOrders, eq(tradeOrders.id, tradePaymentIntents.refId))
		.where(
			and(
				eq(tradePaymentIntents.kind, 'order'),
				eq(tradePaymentIntents.provider, 'bank_transfer'),
				inArray(tradePaymentIntents.status, ['created', 'pending', 'cancelled']),
				or(
					eq(tradeOrders.state, 'pending_payment'),
					and(eq(tradeOrders.state, 'cancelled_unpaid'), gte(tradeOrders.closedAt, since))
				)
			)
		)
		.orderBy(
			sql`case when ${tradeOrders.state} = 'pending_payment' then 0 else 1 end`,
			asc(tradePaymentIntents.createdAt)
		)
		.limit(500);
	return rows.map((r) => ({
		intentId: r.i.id,
		provider: 'bank_transfer',
		status: r.i.status,
		amountFen: r.i.amountFen,
		instructions: r.i.instructions,
		expiresAt: r.i.expiresAt ? r.i.expiresAt.toISOString() : null,
		orderId: r.orderId,
		orderNumber: r.number,
		buyerName: r.buyerName,
		supplierName: r.supplierName,
		createdAt: r.i.createdAt.toISOString(),
		orderState: r.state
	}));
}

/** The buyer (or an operator) cancels an unpaid order: stock goes back at once. */
export async function cancelUnpaid(
	p: Principal,
	orderId: string,
	now: Date = new Date()
): Promise<TradeOrderView> {
	const policy = currentPolicy().trade;
	const { id, moved } = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, orderId, tx, true);
		const r = await moveOrder(tx, {
			orderId: order.id,
			action: 'cancel',
			actor: actorOf(p, side),
			now,
			policy
		});
		const intent = await orderIntent(tx, order.id, true);
		if (intent && intent.status !== 'confirmed') {
			await paymentProvider(intent.provider === 'test' ? 'test' : 'bank_transfer').cancel(
				intent.id
			);
			await tx
				.update(tradePaymentIntents)
				.set({ status: 'cancelled' })
				.where(eq(tradePaymentIntents.id, intent.id));
		}
		return { id: order.id, moved: r };
	});
	publishMoved([moved]);
	return getOrder(p, id);
}

// ------------------------------------------------------------------------------- refunds
// A refund is asked for where the money step happens (an SLA cancel in `move`, a late bank
// transfer here): a pending `trade_refunds` row against the confirmed intent. Paying it out is
// the provider's: the test provider's refunds are settled by a job at once; a bank transfer's
// refund is paid by an operator at the bank and confirmed here with the bank's serial.

/** What the refunds job did. */
export interface RefundRun {
	settled: number;
	failed: number;
}

/**
 * Pays out pending refunds whose provider does it by itself (the test provider): one
 * transaction per refund, rows claimed FOR UPDATE SKIP LOCKED (safe on several nodes). A failed
 * refund is marked failed (an operator sees it in `pendingRefunds`).
 */
export async function settleRefunds(now: Date = new Date(), limit = 100): Promise<RefundRun> {
	const run: RefundRun = { settled: 0, failed: 0 };
	for (let i = 0; i < limit; i++) {
		const done = await transaction(async (tx) => {
			const [r] = await tx
				.select({ refund: tradeRefunds, provider: tradePaymentIntents.provider })
				.from(tradeRefunds)
				.innerJoin(tradePaymentIntents, eq(tradePaymentIntents.id, tradeRefunds.intentId))
				.where(and(eq(tradeRefunds.status, 'pending'), eq(tradePaymentIntents.provider, 'test')))
				.orderBy(asc(tradeRefunds.createdAt))
				.limit(1)
				.for('update', { of: tradeRefunds, skipLocked: true });
			if (!r) return null;
			const out = await paymentProvider('test').refund({
				intentId: r.refund.intentId,
				amountFen: r.refund.amountFen,
				reason: r.refund.reason,
				idempotencyKey: r.refund.idempotencyKey
			});
			await tx
				.update(tradeRefunds)
				.set({
					status: out.status === 'succeeded' ? 'succeeded' : 'failed',
					providerRef: out.providerRef,
					completedAt: out.status === 'succeeded' ? now : null
				})
				.where(eq(tradeRefunds.id, r.refund.id));
			return out.status;
		});
		if (done === null) break;
		if (done === 'succeeded') run.settled++;
		else run.failed++;
	}
	return run;
}

export interface RefundView {
	refundId: string;
	intentId: string;
	provider: 'bank_transfer' | 'test';
	status: 'pending' | 'succeeded' | 'failed';
	amountFen: number;
	/** Why (the order step that refunded it, or `late_payment`). */
	reason: string;
	orderId: string;
	orderNumber: number;
	buyerName: string;
	/** The bank serial the money came in with (pay it back to the same account). */
	paidReference: string | null;
	/** The serial of the payout, once done. */
	reference: string | null;
	createdAt: string;
	completedAt: string | null;
}

function refundQuery() {
	return db()
		.select({
			r: tradeRefunds,
			provider: tradePaymentIntents.provider,
			paidReference: tradePaymentIntents.providerRef,
			orderId: tradeOrders.id,
			number: tradeOrders.number,
			buyerName: sql<string>`(select g.name from orgs g where g.id = "trade_orders"."buyer_org_id")`
		})
		.from(tradeRefunds)
		.innerJoin(tradePaymentIntents, eq(tradePaymentIntents.id, tradeRefunds.intentId))
		.innerJoin(tradeOrders, eq(tradeOrders.id, tradePaymentIntents.refId));
}

function refundView(x: Awaited<ReturnType<typeof refundQuery>>[number]): RefundView {
	return {
		refundId: x.r.id,
		intentId: x.r.intentId,
		provider: x.provider === 'test' ? 'test' : 'bank_transfer',
		status: x.r.status,
		amountFen: x.r.amountFen,
		reason: x.r.reason,
		orderId: x.orderId,
		orderNumber: x.number,
		buyerName: x.buyerName,
		paidReference: x.paidReference,
		reference: x.r.providerRef,
		createdAt: x.r.createdAt.toISOString(),
		completedAt: x.r.completedAt ? x.r.completedAt.toISOString() : null
	};
}

/** Refunds an operator has to pay out (bank transfers) or look at (failed ones); operators only. */
export async function pendingRefunds(p: Principal): Promise<RefundView[]> {
	if (!isOperator(p)) throw forbidden('trade.err.operator_only');
	const rows = await refundQuery()
		.where(
			and(
				eq(tradePaymentIntents.kind, 'order'),
				or(
					and(
						eq(tradeRefunds.status, 'pending'),
						eq(tradePaymentIntents.provider, 'bank_transfer')
					),
					eq(tradeRefunds.status, 'failed')
				)
			)
		)
		.orderBy(asc(tradeRefunds.createdAt))
		.limit(500);
	return rows.map(refundView);
}

/**
 * An operator records a refund paid out at the bank (raw `{ reference }`, the bank's serial):
 * pending or failed → succeeded. The same serial again changes nothing; another one on a
 * completed refund is 409.
 */
export async function confirmRefund(
	p: Principal,
	refundId: string,
	raw: unknown,
	now: Date = new Date()
): Promise<RefundView> {
	if (!isOperator(p) || !p.userId) throw forbidden('trade.err.operator_only');
	const { reference } = parse(ConfirmTransferInput, raw);
	const notFound = () =>
		new AppError('not_found', 'not_found', 'trade.err.refund_not_found', { field: 'refundId' });
	if (!isUuid(refundId)) throw notFound();
	const id = refundId.toLowerCase();
	await transaction(async (tx) => {
		const [r] = await tx.select().from(tradeRefunds).where(eq(tradeRefunds.id, id)).for('update');
		if (!r) throw notFound();
		if (r.status === 'succeeded') {
			if (r.providerRef === reference) return;
			throw new AppError('conflict', 'already_confirmed', 'trade.err.refund_done', {
				field: 'reference'
			});
		}
		await tx
			.update(tradeRefunds)
			.set({ status: 'succeeded', providerRef: reference, completedAt: now })
			.where(eq(tradeRefunds.id, r.id));
	});
	const [row] = await refundQuery().where(eq(tradeRefunds.id, id));
	return refundView(row!);
}
