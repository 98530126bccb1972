// `move` (src/lib/server/trade/transition.ts): the one state step of a trade order, with its
// stock and money effects, refusals, timestamps, due_at and event rows. Injected clock.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { tradeParcels, tradeRefunds, tradePaymentIntents } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { accountSum } from '../../src/lib/domain/trade/escrow';
import {
	isTerminal,
	type TradeAction,
	type TradeActor,
	type TradeOrderState
} from '../../src/lib/domain/trade/order-state';
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

const T0 = new Date('2026-03-02T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;
const H = 60 * MIN;

let buyerOrgId = '';
let supplierId = '';
let lotA: { id: string; unitPriceFen: number };
let lotB: { id: string; unitPriceFen: number };

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

async function order(q = 100) {
	return makeOrder({
		buyerOrgId,
		supplierId,
		createdAt: T0,
		lines: [
			{ lotId: lotA.id, quantity: q, unitPriceFen: lotA.unitPriceFen },
			{ lotId: lotB.id, quantity: q / 2, unitPriceFen: lotB.unitPriceFen }
		]
	});
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	collectMoney();
	const buyer = await demoActor(DEMO_ACCOUNTS.buyer1);
	const supplier = await demoActor(DEMO_ACCOUNTS.supplier1);
	buyerOrgId = buyer.actor.orgId!;
	supplierId = supplier.actor.orgId!;
	const two = await supplierLots(supplierId, 2, 1000);
	lotA = two[0]!;
	lotB = two[1]!;
}, 120_000);

describe('move', () => {
	it('pays into escrow: paid_at, accept deadline as due_at, balanced payment postings', async () => {
		const o = await order();
		const r = await moveAt(o.id, 'pay', 'system', at(10 * MIN));
		expect(r.from).toBe('pending_payment');
		expect(r.row.state).toBe('paid');
		expect(r.row.version).toBe(1);
		expect(r.row.paidAt).toEqual(at(10 * MIN));
		expect(r.row.dueAt).toEqual(at(10 * MIN + 24 * H));
		const pay = money.filter((m) => m.orderId === o.id);
		expect(pay.map((m) => [m.kind, m.key])).toEqual([['trade_payment', `trade:${o.id}:pay`]]);
		const postings = pay[0]!.postings;
		expect(postings.reduce((s, p) => s + p.amountFen, 0)).toBe(0);
		expect(accountSum(postings, 'cash')).toBe(r.row.totalFen);
		expect(await eventsOf(o.id)).toEqual([
			{ from_state: 'pending_payment', to_state: 'paid', action: 'pay', actor: 'system' }
		]);
	});

	it('refuses a step from the wrong state (409 trade_state), the wrong actor (403), after the deadline (409)', async () => {
		const o = await order();
		const illegal = await caught(moveAt(o.id, 'accept', 'supplier', at(MIN)));
		expect([illegal.status, illegal.code]).toEqual([409, 'trade_state']);
		expect(illegal.params).toMatchObject({ state: 'pending_payment', action: 'accept' });
		const actor = await caught(moveAt(o.id, 'pay', 'buyer', at(MIN)));
		expect([actor.status, actor.code]).toEqual([403, 'wrong_actor']);
		const late = await caught(moveAt(o.id, 'pay', 'system', at(30 * MIN)));
		expect([late.status, late.code]).toEqual([409, 'deadline_passed']);
		const early = await caught(moveAt(o.id, 'expire_unpaid', 'system', at(30 * MIN - 1)));
		expect([early.status, early.code]).toEqual([409, 'trade_state']);
		expect((await orderRow(o.id)).version).toBe(0);
	});

	it('expiring an unpaid order gives the allocation back and moves no money', async () => {
		const before = await counters(lotA.id);
		const o = await order();
		expect((await counters(lotA.id)).allocated).toBe(before.allocated + 100);
		const r = await moveAt(o.id, 'expire_unpaid', 'system', at(30 * MIN));
		expect(r.row.state).toBe('cancelled_unpaid');
		expect(r.row.closedAt).toEqual(at(30 * MIN));
		expect(r.row.dueAt).toBeNull();
		expect(r.stock.map((s) => s.id).sort()).toEqual([lotA.id, lotB.id].sort());
		expect(await counters(lotA.id)).toEqual(before);
		expect(money.filter((m) => m.orderId === o.id)).toEqual([]);
	});

	it('a missed accept SLA refunds everything (pending refund row) and frees the stock', async () => {
		const before = await counters(lotB.id);
		const o = await order();
		await moveAt(o.id, 'pay', 'system', at(MIN));
		const r = await moveAt(o.id, 'accept_sla_missed', 'system', at(MIN + 24 * H));
		expect(r.row.state).toBe('cancelled_sla');
		expect(await counters(lotB.id)).toEqual(before);
		const kinds = money.filter((m) => m.orderId === o.id).map((m) => m.kind);
		expect(kinds).toEqual(['trade_payment', 'trade_refund']);
		for (const v of escrowByItem(o.id).values()) expect(v).toBe(0);
		const [intent] = await db()
			.select()
			.from(tradePaymentIntents)
			.where(eq(tradePaymentIntents.refId, o.id));
		const refunds = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.intentId, intent!.id));
		expect(refunds.map((x) => [x.amountFen, x.status, x.reason])).toEqual([
			[r.row.totalFen, 'pending', 'accept_sla_missed']
		]);
	});

	it('walks the whole path to released: ship consumes stock, release pays the supplier less the fee on goods', async () => {
		const before = await counters(lotA.id);
		const o = await order();
		await moveAt(o.id, 'pay', 'system', at(MIN));
		const acc = await moveAt(o.id, 'accept', 'supplier', at(2 * H));
		expect(acc.row.acceptedAt).toEqual(at(2 * H));
		expect(acc.row.dueAt).toEqual(at(MIN + 72 * H));
		await moveAt(o.id, 'pack', 'supplier', at(3 * H));
		// No parcel yet: a shipment needs one.
		const none = await caught(moveAt(o.id, 'ship', 'supplier', at(4 * H)));
		expect([none.status, none.code]).toEqual([422, 'no_parcels']);
		await db()
			.insert(tradeParcels)
			.values({ orderId: o.id, carrier: 'SF', trackingNo: `SF${o.number}0001`, cartons: 2 });
		const shipped = await moveAt(o.id, 'ship', 'supplier', at(4 * H));
		expect(shipped.row.dueAt).toBeNull();
		const after = await counters(lotA.id);
		expect(after.onHand).toBe(before.onHand - 100);
		expect(after.allocated).toBe(before.allocated);
		const arrived = await moveAt(o.id, 'arrive', 'carrier', at(30 * H));
		expect(arrived.row.dueAt).toEqual(at(30 * H + 48 * H));
		const ev = await eventsOf(o.id);
		expect(ev.at(-1)).toMatchObject({ action: 'arrive', actor: 'system' });
		const accepted = await moveAt(o.id, 'accept_goods', 'buyer', at(40 * H));
		expect(accepted.row.state).toBe('accepted_by_buyer');
		expect(accepted.row.dueAt).toEqual(at(40 * H));
		const rel = await moveAt(o.id, 'release', 'system', at(40 * H));
		expect(rel.row.state).toBe('released');
		expect(rel.row.releasedAt).toEqual(at(40 * H));
		expect(rel.row.closedAt).toEqual(at(40 * H));
		expect(rel.row.dueAt).toBeNull();
		const release = money.find((m) => m.orderId === o.id && m.kind === 'trade_release')!;
		const goods = rel.row.goodsFen;
		const fee = Math.round((goods * 300) / 10000);
		expect(-accountSum(release.postings, 'platform_revenue')).toBe(fee);
		expect(-accountSum(release.postings, 'supplier_payable', supplierId)).toBe(
			rel.row.totalFen - fee
		);
		for (const v of escrowByItem(o.id).values()) expect(v).toBe(0);
		expect(rel.row.version).toBe(7);
	});

	it('keeps the ledger balanced on random walks through the states, and settles every path', async () => {
		// A small seeded PRNG: the same walks on every run.
		let seed = 20260302;
		const rand = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const H = 3_600_000;
		type Choice = [
			TradeAction,
			TradeActor,
			(o: { paidAt: Date | null; arrivedAt: Date | null }) => Date
		];
		const choices: Partial<Record<TradeOrderState, Choice[]>> = {
			pending_payment: [
				['pay', 'system', () => at(MIN)],
				['expire_unpaid', 'system', () => at(30 * MIN)],
				['cancel', 'buyer', () => at(2 * MIN)]
			],
			paid: [
				['accept', 'supplier', (o) => new Date(o.paidAt!.getTime() + H)],
				['accept_sla_missed', 'system', (o) => new Date(o.paidAt!.getTime() + 24 * H)]
			],
			accepted: [
				['pack', 'supplier', (o) => new Date(o.paidAt!.getTime() + 2 * H)],
				['ship', 'supplier', (o) => new Date(o.paidAt!.getTime() + 3 * H)],
				['ship_sla_missed', 'system', (o) => new Date(o.paidAt!.getTime() + 72 * H)]
			],
			packed: [
				['ship', 'supplier', (o) => new Date(o.paidAt!.getTime() + 4 * H)],
				['ship_sla_missed', 'system', (o) => new Date(o.paidAt!.getTime() + 72 * H)]
			],
			shipped: [
				['arrive', 'buyer', (o) => new Date(o.paidAt!.getTime() + 30 * H)],
				['arrive', 'carrier', (o) => new Date(o.paidAt!.getTime() + 31 * H)]
			],
			arrived: [
				['start_inspection', 'buyer', (o) => new Date(o.arrivedAt!.getTime() + H)],
				['accept_goods', 'buyer', (o) => new Date(o.arrivedAt!.getTime() + 2 * H)],
				['auto_accept', 'system', (o) => new Date(o.arrivedAt!.getTime() + 48 * H)]
			],
			inspecting: [
				['accept_goods', 'buyer', (o) => new Date(o.arrivedAt!.getTime() + 3 * H)],
				['auto_accept', 'system', (o) => new Date(o.arrivedAt!.getTime() + 48 * H)]
			],
			accepted_by_buyer: [['release', 'system', (o) => new Date(o.arrivedAt!.getTime() + 49 * H)]],
			auto_accepted: [['release', 'system', (o) => new Date(o.arrivedAt!.getTime() + 49 * H)]]
		};
		const ends = new Set<string>();
		for (let walk = 0; walk < 12; walk++) {
			const before = await counters(lotA.id);
			const o = await order(20);
			let row = await orderRow(o.id);
			while (!isTerminal(row.state)) {
				const list = choices[row.state]!;
				const [action, actor, when] = list[Math.floor(rand() * list.length)]!;
				if (action === 'ship') {
					await db()
						.insert(tradeParcels)
						.values({
							orderId: o.id,
							carrier: 'YD',
							trackingNo: `YD${o.number}${walk}0000`,
							cartons: 1
						});
				}
				row = (await moveAt(o.id, action, actor, when(row))).row;
				const txs = await execRows<{ sum: string | number }>(
					sql`select sum(e.amount_fen)::bigint as sum from ledger_transactions t
					join ledger_entries e on e.transaction_id = t.id
					where t.order_id = ${o.id} group by t.id`
				);
				expect(txs.every((t) => Number(t.sum) === 0)).toBe(true);
			}
			ends.add(row.state);
			// Settled: nothing left in escrow, and the stock either back or shipped.
			const [held] = await execRows<{ held: string | number | null }>(
				sql`select sum(e.amount_fen)::bigint as held from ledger_transactions t
				join ledger_entries e on e.transaction_id = t.id
				where t.order_id = ${o.id} and e.account_kind = 'escrow'`
			);
			expect(Number(held?.held ?? 0)).toBe(0);
			const after = await counters(lotA.id);
			expect(after.allocated).toBe(before.allocated);
			expect(after.onHand).toBe(row.state === 'released' ? before.onHand - 20 : before.onHand);
		}
		expect(ends.size).toBeGreaterThan(1);
	});
});
