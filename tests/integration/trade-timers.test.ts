// The trade timer job (src/lib/server/trade/timers.ts) with an injected clock: unpaid release at
// exactly 30 min, the accept SLA at 24 h (cancel, refund, stock back), automatic acceptance and
// release at 48 h after arrival, and two runners at once moving each order once.
import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { tradeOrders, tradeParcels, tradePaymentIntents } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { runTradeTimers } from '../../src/lib/server/trade';
import { demoActor } from '../helpers/demo';
import {
	collectMoney,
	counters,
	escrowByItem,
	eventsOf,
	makeOrder,
	money,
	moveAt,
	orderRow,
	supplierLots
} from '../helpers/trade';

const MIN = 60_000;
const H = 60 * MIN;
// Each test gets its own epoch so the job only finds that test's orders due.
let epoch = new Date('2030-01-01T00:00:00Z').getTime();
const nextEpoch = () => new Date((epoch += 365 * 24 * H));

let buyerOrgId = '';
let supplierId = '';
let lot: { id: string; unitPriceFen: number };

async function order(createdAt: Date, quantity = 60) {
	return makeOrder({
		buyerOrgId,
		supplierId,
		createdAt,
		lines: [{ lotId: lot.id, quantity, unitPriceFen: lot.unitPriceFen }]
	});
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	collectMoney();
	buyerOrgId = (await demoActor(DEMO_ACCOUNTS.buyer2)).actor.orgId!;
	supplierId = (await demoActor(DEMO_ACCOUNTS.supplier2)).actor.orgId!;
	lot = (await supplierLots(supplierId, 1, 100_000))[0]!;
	// Demo data may hold trade orders due long ago: clear them out of the way first.
	await runTradeTimers(new Date('2029-12-31T00:00:00Z'), 10_000);
}, 120_000);

describe('trade timers', () => {
	it('releases an unpaid order at 30:00, not at 29:59', async () => {
		const t0 = nextEpoch();
		const before = await counters(lot.id);
		const o = await order(t0);
		expect((await runTradeTimers(new Date(t0.getTime() + 30 * MIN - 1000))).moved).toBe(0);
		expect((await orderRow(o.id)).state).toBe('pending_payment');
		expect((await runTradeTimers(new Date(t0.getTime() + 30 * MIN))).moved).toBe(1);
		const row = await orderRow(o.id);
		expect(row.state).toBe('cancelled_unpaid');
		expect(row.dueAt).toBeNull();
		expect(await counters(lot.id)).toEqual(before);
		const [intent] = await db()
			.select()
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.refId, o.id));
		expect(intent!.status).toBe('cancelled');
		// Nothing more to do.
		expect((await runTradeTimers(new Date(t0.getTime() + 31 * MIN))).moved).toBe(0);
	});

	it('cancels a paid order not accepted in 24 h: refund, stock back', async () => {
		const t0 = nextEpoch();
		const before = await counters(lot.id);
		const o = await order(t0);
		const paidAt = new Date(t0.getTime() + 5 * MIN);
		await moveAt(o.id, 'pay', 'system', paidAt);
		expect((await runTradeTimers(new Date(paidAt.getTime() + 24 * H - 1))).moved).toBe(0);
		expect((await runTradeTimers(new Date(paidAt.getTime() + 24 * H))).moved).toBe(1);
		const row = await orderRow(o.id);
		expect(row.state).toBe('cancelled_sla');
		expect(await counters(lot.id)).toEqual(before);
		expect(money.filter((m) => m.orderId === o.id).map((m) => m.kind)).toEqual([
			'trade_payment',
			'trade_refund'
		]);
		for (const v of escrowByItem(o.id).values()) expect(v).toBe(0);
		expect((await eventsOf(o.id)).at(-1)).toMatchObject({
			action: 'accept_sla_missed',
			actor: 'system'
		});
	});

	it('cancels an accepted order not shipped in 72 h from payment', async () => {
		const t0 = nextEpoch();
		const o = await order(t0);
		await moveAt(o.id, 'pay', 'system', t0);
		await moveAt(o.id, 'accept', 'supplier', new Date(t0.getTime() + H));
		expect((await runTradeTimers(new Date(t0.getTime() + 72 * H - 1))).moved).toBe(0);
		expect((await runTradeTimers(new Date(t0.getTime() + 72 * H))).moved).toBe(1);
		expect((await orderRow(o.id)).state).toBe('cancelled_sla');
	});

	it('accepts automatically and releases 48 h after arrival', async () => {
		const t0 = nextEpoch();
		const o = await order(t0);
		await moveAt(o.id, 'pay', 'system', t0);
		await moveAt(o.id, 'accept', 'supplier', new Date(t0.getTime() + H));
		await db()
			.insert(tradeParcels)
			.values({ orderId: o.id, carrier: 'ZTO', trackingNo: `7${o.number}000001`, cartons: 1 });
		await moveAt(o.id, 'ship', 'supplier', new Date(t0.getTime() + 2 * H));
		const arrivedAt = new Date(t0.getTime() + 30 * H);
		await moveAt(o.id, 'arrive', 'buyer', arrivedAt);
		expect((await runTradeTimers(new Date(arrivedAt.getTime() + 48 * H - 1))).moved).toBe(0);
		expect((await runTradeTimers(new Date(arrivedAt.getTime() + 48 * H))).moved).toBe(1);
		const row = await orderRow(o.id);
		expect(row.state).toBe('released');
		expect(row.acceptedByBuyerAt).toEqual(new Date(arrivedAt.getTime() + 48 * H));
		expect((await eventsOf(o.id)).slice(-2).map((e) => e.action)).toEqual([
			'auto_accept',
			'release'
		]);
		for (const v of escrowByItem(o.id).values()) expect(v).toBe(0);
	});

	it('releases an order left accepted by the buyer (its release is due at once)', async () => {
		const t0 = nextEpoch();
		const o = await order(t0);
		await moveAt(o.id, 'pay', 'system', t0);
		await moveAt(o.id, 'accept', 'supplier', new Date(t0.getTime() + H));
		await db()
			.insert(tradeParcels)
			.values({ orderId: o.id, carrier: 'STO', trackingNo: `77${o.number}000003`, cartons: 1 });
		await moveAt(o.id, 'ship', 'supplier', new Date(t0.getTime() + 2 * H));
		await moveAt(o.id, 'arrive', 'buyer', new Date(t0.getTime() + 20 * H));
		const acceptedAt = new Date(t0.getTime() + 21 * H);
		const r = await moveAt(o.id, 'accept_goods', 'buyer', acceptedAt);
		expect(r.row.dueAt).toEqual(acceptedAt);
		expect((await runTradeTimers(acceptedAt)).moved).toBe(1);
		expect((await orderRow(o.id)).state).toBe('released');
		for (const v of escrowByItem(o.id).values()) expect(v).toBe(0);
	});

	it('two runners at once move each order exactly once', async () => {
		const t0 = nextEpoch();
		const orders = [];
		for (let i = 0; i < 12; i++) orders.push(await order(t0, 10));
		const at = new Date(t0.getTime() + 30 * MIN);
		const [a, b] = await Promise.all([runTradeTimers(at), runTradeTimers(at)]);
		expect(a.moved + b.moved).toBe(12);
		const rows = await db()
			.select({ state: tradeOrders.state })
			.from(tradeOrders)
			.where(
				inArray(
					tradeOrders.id,
					orders.map((o) => o.id)
				)
			);
		expect(rows.every((r) => r.state === 'cancelled_unpaid')).toBe(true);
		for (const o of orders) expect(await eventsOf(o.id)).toHaveLength(1);
	});
});
