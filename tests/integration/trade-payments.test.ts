// Paying trade orders against Postgres with an injected clock: the test provider pays into escrow
// (the ledger balanced, the escrow holding the order's total per item), bank transfers confirmed
// by an operator only (the bank serial unique, a repeat harmless, a late transfer refunded),
// cancelling an unpaid order gives its stock back, paying after the unpaid deadline is refused.
import { asc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import {
	freightRates,
	tradeOrderEvents,
	tradePaymentIntents,
	tradeRefunds
} from '../../src/lib/server/db/schema';
import { bus } from '../../src/lib/server/events/bus';
import type { TradeMoney } from '../../src/lib/server/events/map';
import { resetEnvCache } from '../../src/lib/server/env';
import { TEST_SIGNATURE_HEADER, theTestProvider } from '../../src/lib/server/payments';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import {
	cancelUnpaid,
	checkout,
	enabledProviders,
	confirmBankTransfer,
	confirmRefund,
	handlePaymentWebhook,
	pendingRefunds,
	settleRefunds,
	getOrder,
	payWithTestProvider,
	pendingBankTransfers,
	runTradeTimers
} from '../../src/lib/server/trade';
import { demoActor } from '../helpers/demo';
import {
	caught,
	counters,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO
} from '../helpers/trade-checkout';

type A = Awaited<ReturnType<typeof demoActor>>;
let supplier1: A, operator: A;
let lotIds: string[];
const money: TradeMoney[] = [];

beforeAll(async () => {
	await seedDemoIfEmpty();
	[supplier1, operator] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.operator)
	]);
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 16);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 6000, partnerPerPieceFen: 100 });
	// Every trade.money event, as published (the ledger posts them in the same transaction).
	bus().subscribe('test-observer', [
		{ event: 'trade.money', afterCommit: (e) => void money.push(e) }
	]);
});

let n = 0;
/** A fresh buyer's order of 60 pieces of its own lot at ¥35, checked out at `at`. */
async function order(provider: 'test' | 'bank_transfer', at: Date) {
	const lotId = lotIds[n++]!;
	await setupLot(lotId, { onHand: 500, moq: 50, unitPriceFen: 3500 });
	const buyer = await newBuyer();
	const r = await checkout(
		buyer.principal,
		{ lines: [{ lotId, quantity: 60 }], shipTo: SHIP_TO, provider },
		`pay-${n}`,
		at
	);
	return { buyer, lotId, order: r.orders[0]! };
}

/** The ledger's entries of an order: per transaction balanced, and what escrow holds for it. */
async function ledgerOf(orderId: string) {
	const rows = await execRows<{
		kind: string;
		sum: string | number;
		escrow: string | number;
		cash: string | number;
	}>(
		sql`select t.kind::text as kind, sum(e.amount_fen)::bigint as sum,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'), 0)::bigint as escrow,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'cash'), 0)::bigint as cash
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${orderId} group by t.id, t.kind order by t.id`
	);
	return rows.map((r) => ({
		kind: r.kind,
		sum: Number(r.sum),
		escrow: Number(r.escrow),
		cash: Number(r.cash)
	}));
}

const T0 = new Date('2026-05-01T02:00:00Z');
const mins = (m: number) => new Date(T0.getTime() + m * 60_000);

describe('the test provider', () => {
	it('pays into escrow: order paid, intent confirmed, balanced postings of the total', async () => {
		const { buyer, order: o } = await order('test', T0);
		expect(o.payment).toMatchObject({ provider: 'test', status: 'created' });
		expect(o.actions).toContain('pay');
		const paid = await payWithTestProvider(buyer.principal, o.id, mins(5));
		expect(paid).toMatchObject({ state: 'paid', paidAt: mins(5).toISOString(), timer: 'accept' });
		expect(paid.payment!.status).toBe('confirmed');
		expect(new Date(paid.dueAt!).getTime() - mins(5).getTime()).toBe(24 * 3600_000);
		expect(paid.events.map((e) => [e.action, e.actor])).toEqual([
			['checkout', 'buyer'],
			['pay', 'system']
		]);
		// The money: one balanced payment, cash in = the order's total, all of it held in escrow.
		const ev = money.filter((m) => m.orderId === o.id);
		expect(ev).toHaveLength(1);
		expect(ev[0]!.kind).toBe('trade_payment');
		expect(ev[0]!.postings.reduce((s, p) => s + p.amountFen, 0)).toBe(0);
		const ledger = await ledgerOf(o.id);
		expect(ledger).toEqual([
			{ kind: 'trade_payment', sum: 0, escrow: -o.totalFen, cash: o.totalFen }
		]);
		// Pressing pay again changes nothing (no second posting, same version).
		const again = await payWithTestProvider(buyer.principal, o.id, mins(6));
		expect(again.version).toBe(paid.version);
		expect(await ledgerOf(o.id)).toHaveLength(1);
		// Only its buyer pays; others are told it does not exist, its supplier may not.
		expect(
			(await caught(payWithTestProvider((await newBuyer()).principal, o.id, mins(6)))).status
		).toBe(404);
		expect((await caught(payWithTestProvider(supplier1.actor, o.id, mins(6)))).status).toBe(403);
	});

	it('refuses payment at the unpaid deadline (409 deadline_passed); a declined payment changes nothing', async () => {
		const { buyer, order: o, lotId } = await order('test', T0);
		theTestProvider().failNext(1);
		const declined = await caught(payWithTestProvider(buyer.principal, o.id, mins(10)));
		expect(declined.status).toBe(422);
		expect(declined.code).toBe('payment_failed');
		expect((await getOrder(buyer.principal, o.id)).state).toBe('pending_payment');
		const late = await caught(payWithTestProvider(buyer.principal, o.id, mins(30)));
		expect(late.status).toBe(409);
		expect(late.code).toBe('deadline_passed');
		const view = await getOrder(buyer.principal, o.id);
		expect(view.state).toBe('pending_payment');
		expect(view.payment!.status).toBe('created');
		expect(await ledgerOf(o.id)).toEqual([]);
		expect(await counters(lotId)).toMatchObject({ allocated: 60 });
	});
});

describe('a deployment without the test provider', () => {
	it('refuses test payments at checkout and on an order made while it was on (422 provider)', async () => {
		const { buyer, order: o } = await order('test', T0);
		process.env.PAYMENT_TEST_PROVIDER = 'off';
		resetEnvCache();
		try {
			expect(enabledProviders()).toEqual(['bank_transfer']);
			const refused = await caught(
				checkout(
					buyer.principal,
					{
						lines: [{ lotId: o.lines[0]!.lotId, quantity: 60 }],
						shipTo: SHIP_TO,
						provider: 'test'
					},
					'pay-off-1',
					T0
				)
			);
			expect(refused).toMatchObject({
				status: 422,
				code: 'provider_unavailable',
				field: 'provider'
			});
			const pay = await caught(payWithTestProvider(buyer.principal, o.id, mins(1)));
			expect(pay).toMatchObject({ status: 422, code: 'provider_unavailable' });
			expect((await getOrder(buyer.principal, o.id)).state).toBe('pending_payment');
			// `auto` follows the demo data: none here (the tests' SEED_DEMO is false), so none.
			process.env.PAYMENT_TEST_PROVIDER = 'auto';
			resetEnvCache();
			expect(enabledProviders()).toEqual(['bank_transfer']);
			process.env.SEED_DEMO = 'true';
			resetEnvCache();
			expect(enabledProviders()).toEqual(['bank_transfer', 'test']);
		} finally {
			process.env.PAYMENT_TEST_PROVIDER = 'on';
			process.env.SEED_DEMO = 'false';
			resetEnvCache();
		}
		expect(enabledProviders()).toEqual(['bank_transfer', 'test']);
	});
});

describe('bank transfer', () => {
	it('only an operator confirms, with the bank serial; a repeat is harmless; a serial pays once', async () => {
		const { buyer, order: o } = await order('bank_transfer', T0);
		expect(o.payment!.instructions).toMatchObject({ memo: `LT${o.number}` });
		expect(o.actions).toEqual(['cancel']);
		const intentId = o.payment!.intentId;
		expect((await caught(payWithTestProvider(buyer.principal, o.id, mins(1)))).code).toBe(
			'not_test_provider'
		);
		for (const who of [buyer.principal, supplier1.actor]) {
			expect(
				(await caught(confirmBankTransfer(who, intentId, { reference: 'CMB20260501001' }, mins(2))))
					.status
			).toBe(403);
		}
		expect(
			(
				await caught(
					confirmBankTransfer(operator.actor, intentId, { reference: '流水 1' }, mins(2))
				)
			).status
		).toBe(400);
		expect(
			(await caught(confirmBankTransfer(operator.actor, 'nope', { reference: 'CMB1' }, mins(2))))
				.status
		).toBe(404);
		const pending = await pendingBankTransfers(operator.actor, mins(2));
		expect(pending.find((t) => t.intentId === intentId)).toMatchObject({
			orderId: o.id,
			orderNumber: o.number,
			amountFen: o.totalFen,
			orderState: 'pending_payment'
		});
		expect((await caught(pendingBankTransfers(buyer.principal))).status).toBe(403);

		const paid = await confirmBankTransfer(
			operator.actor,
			intentId,
			{ reference: 'CMB20260501001' },
			mins(12)
		);
		expect(paid).toMatchObject({ state: 'paid', paidAt: mins(12).toISOString() });
		expect(paid.events.at(-1)).toMatchObject({
			action: 'pay',
			actor: 'operator',
			note: 'CMB20260501001'
		});
		const [intent] = await db()
			.select()
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.id, intentId));
		expect(intent).toMatchObject({
			status: 'confirmed',
			providerRef: 'CMB20260501001',
			confirmedBy: operator.actor.userId
		});
		// Confirmed twice (two operators, a double click): nothing more happens.
		const again = await confirmBankTransfer(
			operator.actor,
			intentId,
			{ reference: 'CMB20260501001' },
			mins(13)
		);
		expect(again.version).toBe(paid.version);
		expect(await ledgerOf(o.id)).toEqual([
			{ kind: 'trade_payment', sum: 0, escrow: -o.totalFen, cash: o.totalFen }
		]);
		expect(
			(
				await caught(
					confirmBankTransfer(operator.actor, intentId, { reference: 'CMB-OTHER' }, mins(13))
				)
			).code
		).toBe('already_confirmed');
		expect(
			(await pendingBankTransfers(operator.actor, mins(13))).map((t) => t.intentId)
		).not.toContain(intentId);
		// The same bank serial cannot pay another order.
		const second = await order('bank_transfer', T0);
		const reused = await caught(
			confirmBankTransfer(
				operator.actor,
				second.order.payment!.intentId,
				{ reference: 'CMB20260501001' },
				mins(14)
			)
		);
		expect(reused.status).toBe(409);
		expect(reused.code).toBe('reference_used');
		expect((await getOrder(second.buyer.principal, second.order.id)).state).toBe('pending_payment');
	});

	it('a transfer confirmed after the unpaid timeout is recorded and refunded; the order stays cancelled', async () => {
		const { buyer, order: o, lotId } = await order('bank_transfer', T0);
		// The timer job cancels the unpaid order at 30 minutes: stock back.
		await runTradeTimers(mins(31));
		expect((await getOrder(buyer.principal, o.id)).state).toBe('cancelled_unpaid');
		expect(await counters(lotId)).toMatchObject({ allocated: 0 });
		expect((await pendingBankTransfers(operator.actor, mins(40))).map((t) => t.intentId)).toContain(
			o.payment!.intentId
		);
		const v = await confirmBankTransfer(
			operator.actor,
			o.payment!.intentId,
			{ reference: 'ICBC-LATE-1' },
			mins(45)
		);
		expect(v.state).toBe('cancelled_unpaid');
		expect(v.events.at(-1)).toMatchObject({ action: 'late_payment_refund', actor: 'operator' });
		const refunds = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.intentId, o.payment!.intentId));
		expect(refunds).toHaveLength(1);
		expect(refunds[0]).toMatchObject({
			amountFen: o.totalFen,
			reason: 'late_payment',
			status: 'pending'
		});
		// Harmless again; no escrow was ever opened.
		await confirmBankTransfer(
			operator.actor,
			o.payment!.intentId,
			{ reference: 'ICBC-LATE-1' },
			mins(46)
		);
		expect(
			await db().select().from(tradeRefunds).where(eq(tradeRefunds.intentId, o.payment!.intentId))
		).toHaveLength(1);
		expect(await ledgerOf(o.id)).toEqual([]);
	});

	it('a transfer confirmed past the deadline before the timer ran cancels the order and refunds', async () => {
		const { buyer, order: o, lotId } = await order('bank_transfer', T0);
		const v = await confirmBankTransfer(
			operator.actor,
			o.payment!.intentId,
			{ reference: 'ABC-2-LATE' },
			mins(30)
		);
		expect(v.state).toBe('cancelled_unpaid');
		expect(v.events.map((e) => e.action)).toEqual([
			'checkout',
			'expire_unpaid',
			'late_payment_refund'
		]);
		expect(await counters(lotId)).toMatchObject({ allocated: 0 });
		expect((await getOrder(buyer.principal, o.id)).payment!.status).toBe('confirmed');
	});
});

describe('cancelling an unpaid order', () => {
	it('gives the stock back at once; only the buyer (or an operator) cancels', async () => {
		const { buyer, order: o, lotId } = await order('bank_transfer', T0);
		expect(await counters(lotId)).toMatchObject({ allocated: 60 });
		expect((await caught(cancelUnpaid(supplier1.actor, o.id, mins(3)))).status).toBe(403);
		expect((await caught(cancelUnpaid((await newBuyer()).principal, o.id, mins(3)))).status).toBe(
			404
		);
		const v = await cancelUnpaid(buyer.principal, o.id, mins(3));
		expect(v).toMatchObject({ state: 'cancelled_unpaid', timer: null, dueAt: null, actions: [] });
		expect(v.payment!.status).toBe('cancelled');
		expect(await counters(lotId)).toMatchObject({ onHand: 500, allocated: 0 });
		const events = await db()
			.select()
			.from(tradeOrderEvents)
			.where(eq(tradeOrderEvents.orderId, o.id))
			.orderBy(asc(tradeOrderEvents.id));
		expect(events.map((e) => [e.action, e.actor])).toEqual([
			['checkout', 'buyer'],
			['cancel', 'buyer']
		]);
		// Cancelling twice, or paying a cancelled order: 409 trade_state.
		expect((await caught(cancelUnpaid(buyer.principal, o.id, mins(4)))).code).toBe('trade_state');
		const { buyer: b2, order: paidOrder } = await order('test', T0);
		await payWithTestProvider(b2.principal, paidOrder.id, mins(1));
		expect((await caught(cancelUnpaid(b2.principal, paidOrder.id, mins(2)))).code).toBe(
			'trade_state'
		);
	});
});

describe('refunds of a missed SLA', () => {
	it('the test provider pays its refund back by itself (job), the ledger nets escrow to zero', async () => {
		const { buyer, order: o, lotId } = await order('test', T0);
		await payWithTestProvider(buyer.principal, o.id, mins(1));
		// Nobody accepts within 24 h: the timer cancels and refunds all.
		await runTradeTimers(mins(1 + 24 * 60));
		const v = await getOrder(buyer.principal, o.id);
		expect(v.state).toBe('cancelled_sla');
		expect(await counters(lotId)).toMatchObject({ allocated: 0 });
		const intentId = v.payment!.intentId;
		const pending = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.intentId, intentId));
		expect(pending).toMatchObject([{ status: 'pending', amountFen: o.totalFen }]);
		// Every test-provider refund pending now (other tests' orders hit the same SLA) fails once.
		const [{ n }] = (await execRows<{ n: number }>(
			sql`select count(*)::int as n from trade_refunds r join trade_payment_intents i
				on i.id = r.intent_id where r.status = 'pending' and i.provider = 'test'`
		)) as [{ n: number }];
		theTestProvider().failNext(n, 'refund');
		expect(await settleRefunds(mins(1 + 24 * 60 + 1))).toEqual({ settled: 0, failed: n });
		expect(
			(await pendingRefunds(operator.actor)).find((r) => r.intentId === intentId)
		).toMatchObject({
			status: 'failed',
			orderId: o.id
		});
		// A failed one waits for an operator; a fresh pending one is settled by the job.
		await db()
			.update(tradeRefunds)
			.set({ status: 'pending' })
			.where(eq(tradeRefunds.intentId, intentId));
		expect(await settleRefunds(mins(1 + 24 * 60 + 2))).toEqual({ settled: 1, failed: 0 });
		const [done] = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.intentId, intentId));
		expect(done).toMatchObject({ status: 'succeeded', completedAt: mins(1 + 24 * 60 + 2) });
		expect(done!.providerRef).toMatch(/^re_/);
		expect(await settleRefunds(mins(1 + 24 * 60 + 3))).toEqual({ settled: 0, failed: 0 });
		const ledger = await ledgerOf(o.id);
		expect(ledger.map((t) => t.kind)).toEqual(['trade_payment', 'trade_refund']);
		expect(ledger.every((t) => t.sum === 0)).toBe(true);
		expect(ledger.reduce((s, t) => s + t.escrow, 0)).toBe(0);
		expect(ledger.reduce((s, t) => s + t.cash, 0)).toBe(0);
	});

	it('a bank transfer’s refund is paid out by an operator and confirmed with the bank serial', async () => {
		const { buyer, order: o } = await order('bank_transfer', T0);
		await confirmBankTransfer(
			operator.actor,
			o.payment!.intentId,
			{ reference: 'BOC-IN-77' },
			mins(2)
		);
		await runTradeTimers(mins(2 + 24 * 60));
		expect((await getOrder(buyer.principal, o.id)).state).toBe('cancelled_sla');
		expect(await settleRefunds(mins(2 + 24 * 60))).toMatchObject({ settled: 0 });
		const listed = (await pendingRefunds(operator.actor)).find((r) => r.orderId === o.id)!;
		expect(listed).toMatchObject({
			provider: 'bank_transfer',
			status: 'pending',
			amountFen: o.totalFen,
			paidReference: 'BOC-IN-77',
			orderNumber: o.number
		});
		expect((await caught(pendingRefunds(buyer.principal))).status).toBe(403);
		expect(
			(await caught(confirmRefund(supplier1.actor, listed.refundId, { reference: 'BOC-OUT-1' })))
				.status
		).toBe(403);
		const done = await confirmRefund(
			operator.actor,
			listed.refundId,
			{ reference: 'BOC-OUT-1' },
			mins(3000)
		);
		expect(done).toMatchObject({
			status: 'succeeded',
			reference: 'BOC-OUT-1',
			completedAt: mins(3000).toISOString()
		});
		expect(
			(await confirmRefund(operator.actor, listed.refundId, { reference: 'BOC-OUT-1' })).status
		).toBe('succeeded');
		expect(
			(await caught(confirmRefund(operator.actor, listed.refundId, { reference: 'BOC-OUT-2' })))
				.code
		).toBe('already_confirmed');
		expect((await pendingRefunds(operator.actor)).map((r) => r.refundId)).not.toContain(
			listed.refundId
		);
	});
});

describe('the test provider’s webhook', () => {
	const signed = (body: object) => {
		const rawBody = JSON.stringify(body);
		return { headers: { [TEST_SIGNATURE_HEADER]: theTestProvider().sign(rawBody) }, rawBody };
	};

	it('pays on a signed confirmation, once; refuses a bad signature; ignores what is not its own', async () => {
		const { buyer, order: o } = await order('test', T0);
		const intentId = o.payment!.intentId;
		const req = signed({ type: 'payment.confirmed', intentId, amountFen: o.totalFen });
		const forged = { ...req, rawBody: req.rawBody.replace(String(o.totalFen), '1') };
		expect((await caught(handlePaymentWebhook('test', forged, mins(3)))).code).toBe(
			'bad_signature'
		);
		expect(
			(
				await caught(
					handlePaymentWebhook(
						'test',
						signed({ type: 'payment.confirmed', intentId, amountFen: 1 }),
						mins(3)
					)
				)
			).code
		).toBe('amount_mismatch');
		expect(await handlePaymentWebhook('test', req, mins(4))).toEqual({
			handled: true,
			orderId: o.id
		});
		const v = await getOrder(buyer.principal, o.id);
		expect(v).toMatchObject({ state: 'paid', paidAt: mins(4).toISOString() });
		expect(v.events.at(-1)).toMatchObject({ action: 'pay', actor: 'system', note: 'webhook:test' });
		// Delivered twice: nothing more.
		expect(await handlePaymentWebhook('test', req, mins(5))).toEqual({
			handled: true,
			orderId: o.id
		});
		expect((await getOrder(buyer.principal, o.id)).version).toBe(v.version);
		expect(await ledgerOf(o.id)).toHaveLength(1);
		expect(await handlePaymentWebhook('bank_transfer', req, mins(5))).toEqual({
			handled: false,
			orderId: null
		});
	});

	it('a confirmation after the unpaid deadline cancels the order and refunds at once', async () => {
		const { buyer, order: o, lotId } = await order('test', T0);
		const intentId = o.payment!.intentId;
		await handlePaymentWebhook(
			'test',
			signed({ type: 'payment.failed', intentId, reason: 'card_declined' }),
			mins(2)
		);
		expect((await getOrder(buyer.principal, o.id)).payment!.status).toBe('failed');
		await handlePaymentWebhook(
			'test',
			signed({ type: 'payment.confirmed', intentId, amountFen: o.totalFen }),
			mins(31)
		);
		const v = await getOrder(buyer.principal, o.id);
		expect(v.state).toBe('cancelled_unpaid');
		expect(v.events.map((e) => [e.action, e.actor])).toEqual([
			['checkout', 'buyer'],
			['expire_unpaid', 'system'],
			['late_payment_refund', 'system']
		]);
		expect(await counters(lotId)).toMatchObject({ allocated: 0 });
		const refunds = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.intentId, intentId));
		expect(refunds).toMatchObject([
			{ status: 'succeeded', amountFen: o.totalFen, reason: 'late_payment' }
		]);
	});
});
