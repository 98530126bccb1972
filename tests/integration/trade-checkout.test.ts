// The wholesale cart and checkout against Postgres: line problems all at once (422 with fields
// and params), stock short (409 with available), blocked lots and unadmitted suppliers, the
// Idempotency-Key, the split per supplier and warehouse with freight, nothing written on any
// refusal, and no overselling between racing checkouts nor against a live show's locks.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import {
	freightRates,
	suppliers,
	tradeOrders,
	tradePaymentIntents
} from '../../src/lib/server/db/schema';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import {
	cartView,
	checkout,
	getOrder,
	listOrders,
	removeCartLine,
	setCartLine
} from '../../src/lib/server/trade';
import { demoActor } from '../helpers/demo';
import {
	caught,
	counters,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO,
	tradeRowCounts
} from '../helpers/trade-checkout';

type A = Awaited<ReturnType<typeof demoActor>>;
let host: A, assistant: A, supplier1: A, supplier2: A, operator: A;
let s1: string[];
let s2: string[];

beforeAll(async () => {
	await seedDemoIfEmpty();
	[host, assistant, supplier1, supplier2, operator] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.host),
		demoActor(DEMO_ACCOUNTS.assistant1),
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.supplier2),
		demoActor(DEMO_ACCOUNTS.operator)
	]);
	s1 = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 12);
	s2 = await lotsOfSupplier(DEMO_ACCOUNTS.supplier2, 6);
	// Only this file's tiers on the routes it quotes (the demo has its own).
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', {
		partnerBaseFen: 0,
		partnerPerPieceFen: 320,
		marketBaseFen: 0,
		marketPerPieceFen: 400,
		carrier: '德邦物流'
	});
	await rate('浙江省', '山东省', { partnerBaseFen: 5000, partnerPerPieceFen: 200 });
	await rate('福建省', '山东省', { partnerBaseFen: 8000, partnerPerPieceFen: 100 });
});

const key = () => `k-${Math.random().toString(36).slice(2)}`;

describe('the cart', () => {
	it('is for buyers only, and 404s a lot a buyer cannot see', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[0]!, { moq: 50 });
		expect(
			(await caught(setCartLine(supplier1.actor, { lotId: s1[0], quantity: 50 }))).status
		).toBe(403);
		expect((await caught(cartView(host.actor))).status).toBe(403);
		const unknown = await caught(
			setCartLine(buyer.principal, { lotId: '00000000-0000-4000-8000-000000000000', quantity: 50 })
		);
		expect(unknown.status).toBe(404);
		await setupLot(s1[1]!, { status: 'blocked' });
		expect(
			(await caught(setCartLine(buyer.principal, { lotId: s1[1], quantity: 50 }))).status
		).toBe(404);
		const bad = await caught(setCartLine(buyer.principal, { lotId: s1[0], quantity: 2.5 }));
		expect(bad.status).toBe(400);
		expect(bad.field).toBe('quantity');
		const badPack = await caught(
			setCartLine(buyer.principal, { lotId: s1[0], quantity: 50, packaging: ['gift_wrap'] })
		);
		expect(badPack.status).toBe(400);
	});

	it('prices lines with breaks and packaging, shows every problem, quotes freight per group', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[2]!, {
			moq: 20,
			unitPriceFen: 3500,
			onHand: 1000,
			terms: { step: 10, priceBreaks: [{ minQuantity: 100, unitPriceFen: 3200 }] }
		});
		await setupLot(s2[0]!, { moq: 30, unitPriceFen: 2000, province: '福建省', city: '泉州市' });
		let cart = await setCartLine(buyer.principal, {
			lotId: s1[2],
			quantity: 100,
			packaging: ['relabel_live', 'repack']
		});
		expect(cart.lines).toHaveLength(1);
		expect(cart.lines[0]).toMatchObject({
			unitPriceFen: 3200,
			goodsFen: 320_000,
			packagingFen: (30 + 50) * 100,
			step: 10,
			moq: 20
		});
		// No province yet (no earlier order, none given): no freight.
		expect(cart.destProvince).toBeNull();
		expect(cart.groups[0]!.freight).toBeNull();
		cart = await setCartLine(buyer.principal, { lotId: s2[0], quantity: 25 });
		// Below the MOQ and below the mixed-batch minimum of supplier2: both reported.
		const codes = cart.problems.map((p) => `${p.field}:${p.code}`);
		expect(codes).toContain('lines.1.quantity:moq');
		expect(cart.problems.find((p) => p.code === 'moq')!.params).toMatchObject({
			moq: 30,
			minimum: 30
		});
		expect(cart.problems.find((p) => p.code === 'moq')!.message).toContain('30');
		const withDest = await cartView(buyer.principal, { destProvince: '山东省' });
		expect(withDest.destProvince).toBe('山东省');
		const g1 = withDest.groups.find((g) => g.supplierId === supplier1.actor.orgId)!;
		expect(g1.freight).toEqual({
			partnerFen: 320 * 100,
			marketFen: 400 * 100,
			carrier: '德邦物流'
		});
		expect(g1.totalFen).toBe(320_000 + 8000 + 32_000);
		expect(withDest.totalFen).toBe(withDest.goodsFen + withDest.packagingFen + withDest.freightFen);
		cart = await removeCartLine(buyer.principal, s2[0]);
		expect(cart.lines.map((l) => l.lotId)).toEqual([s1[2]]);
		expect(cart.problems).toEqual([]);
		// Off-step quantity: the cart keeps it and says what is wrong.
		cart = await setCartLine(buyer.principal, { lotId: s1[2], quantity: 105 });
		expect(cart.problems).toEqual([
			expect.objectContaining({
				field: 'lines.0.quantity',
				code: 'step',
				params: { step: 10, moq: 20 }
			})
		]);
	});
});

describe('checkout refusals write nothing', () => {
	it('422 names every line problem at once (MOQ with minimum, step), in one error', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[3]!, { moq: 60, terms: { step: 12 } });
		await setupLot(s1[4]!, { moq: 10, terms: { step: 6 } });
		const before = await tradeRowCounts();
		const e = await caught(
			checkout(
				buyer.principal,
				{
					lines: [
						{ lotId: s1[3], quantity: 24 },
						{ lotId: s1[4], quantity: 40 }
					],
					shipTo: SHIP_TO,
					provider: 'test'
				},
				key()
			)
		);
		expect(e.status).toBe(422);
		expect(e.code).toBe('moq');
		expect(e.field).toBe('lines.0.quantity');
		expect(e.params).toMatchObject({ moq: 60, minimum: 60 });
		const body = e.toJSON() as unknown as {
			error: { issues: { field: string }[]; problems: unknown[] };
		};
		expect(body.error.issues.map((i) => i.field)).toEqual(['lines.0.quantity', 'lines.1.quantity']);
		expect(body.error.problems).toContainEqual(
			expect.objectContaining({
				field: 'lines.1.quantity',
				code: 'step',
				params: { step: 6, moq: 10 }
			})
		);
		expect(await tradeRowCounts()).toEqual(before);
	});

	it('409 insufficient_stock with the available pieces per line', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[5]!, { onHand: 70, moq: 1 });
		await setupLot(s1[6]!, { onHand: 500, moq: 1 });
		const before = await tradeRowCounts();
		const e = await caught(
			checkout(
				buyer.principal,
				{
					lines: [
						{ lotId: s1[6], quantity: 100 },
						{ lotId: s1[5], quantity: 80 }
					],
					shipTo: SHIP_TO,
					provider: 'test'
				},
				key()
			)
		);
		expect(e.status).toBe(409);
		expect(e.code).toBe('insufficient_stock');
		expect(e.field).toBe('lines.1.quantity');
		expect(e.details).toMatchObject({
			available: 70,
			lines: [{ field: 'lines.1.quantity', lotId: s1[5], available: 70 }]
		});
		expect(await tradeRowCounts()).toEqual(before);
		expect(await counters(s1[6]!)).toMatchObject({ allocated: 0 });
	});

	it('422 for a blocked lot and for a supplier no longer admitted', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[7]!, { status: 'blocked' });
		const before = await tradeRowCounts();
		const blocked = await caught(
			checkout(
				buyer.principal,
				{ lines: [{ lotId: s1[7], quantity: 60 }], shipTo: SHIP_TO, provider: 'test' },
				key()
			)
		);
		expect(blocked.status).toBe(422);
		expect(blocked.code).toBe('lot_unavailable');
		expect(blocked.field).toBe('lines.0.lotId');

		await setupLot(s2[1]!, { province: '福建省' });
		await db()
			.update(suppliers)
			.set({ status: 'blocked' })
			.where(eq(suppliers.orgId, supplier2.actor.orgId!));
		try {
			const unadmitted = await caught(
				checkout(
					buyer.principal,
					{ lines: [{ lotId: s2[1], quantity: 60 }], shipTo: SHIP_TO, provider: 'test' },
					key()
				)
			);
			expect(unadmitted.status).toBe(422);
			expect(unadmitted.code).toBe('lot_unavailable');
		} finally {
			await db()
				.update(suppliers)
				.set({ status: 'admitted' })
				.where(eq(suppliers.orgId, supplier2.actor.orgId!));
		}
		// No partner route to the buyer's province: 422 on shipTo.province.
		await setupLot(s1[7]!, {});
		const noRoute = await caught(
			checkout(
				buyer.principal,
				{
					lines: [{ lotId: s1[7], quantity: 60 }],
					shipTo: { ...SHIP_TO, province: '西藏自治区' },
					provider: 'test'
				},
				key()
			)
		);
		expect(noRoute.status).toBe(422);
		expect(noRoute.field).toBe('shipTo.province');
		// An empty cart, bad input: 422 / 400, and an operator or supplier has no checkout.
		expect(
			(await caught(checkout(buyer.principal, { shipTo: SHIP_TO, provider: 'test' }, key()))).code
		).toBe('empty_cart');
		expect(
			(await caught(checkout(buyer.principal, { shipTo: SHIP_TO, provider: 'cash' }, key()))).status
		).toBe(400);
		expect(
			(await caught(checkout(buyer.principal, { shipTo: SHIP_TO, provider: 'test' }, ''))).status
		).toBe(400);
		expect(
			(await caught(checkout(operator.actor, { shipTo: SHIP_TO, provider: 'test' }, key()))).status
		).toBe(403);
		expect(await tradeRowCounts()).toEqual(before);
	});
});

describe('checkout', () => {
	it('splits the cart per supplier and warehouse, quotes freight, reserves stock, empties the cart', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[8]!, { onHand: 800, moq: 50, unitPriceFen: 3500 });
		await setupLot(s1[9]!, {
			onHand: 800,
			moq: 50,
			unitPriceFen: 4000,
			province: '浙江省',
			city: '杭州市'
		});
		await setupLot(s2[2]!, {
			onHand: 800,
			moq: 50,
			unitPriceFen: 1500,
			province: '福建省',
			city: '泉州市'
		});
		await setCartLine(buyer.principal, { lotId: s1[8], quantity: 100, packaging: ['remove_logo'] });
		await setCartLine(buyer.principal, { lotId: s1[9], quantity: 60 });
		await setCartLine(buyer.principal, { lotId: s2[2], quantity: 200 });
		const r = await checkout(
			buyer.principal,
			{ shipTo: SHIP_TO, provider: 'bank_transfer' },
			key()
		);
		expect(r.replayed).toBe(false);
		expect(r.orders).toHaveLength(3);
		const byLot = (lotId: string) => r.orders.find((o) => o.lines.some((l) => l.lotId === lotId))!;
		const gz = byLot(s1[8]!);
		expect(gz).toMatchObject({
			state: 'pending_payment',
			supplierId: supplier1.actor.orgId,
			warehouse: { province: '广东省', city: '广州市' },
			goodsFen: 350_000,
			packagingFen: 20 * 100,
			freightFen: 320 * 100,
			freightMarketFen: 400 * 100,
			feeBp: 300,
			timer: 'unpaid',
			actions: ['cancel']
		});
		expect(gz.totalFen).toBe(350_000 + 2000 + 32_000);
		expect(byLot(s1[9]!).freightFen).toBe(5000 + 200 * 60);
		expect(byLot(s2[2]!).freightFen).toBe(8000 + 100 * 200);
		expect(byLot(s2[2]!).supplierId).toBe(supplier2.actor.orgId);
		// Unpaid deadline 30 minutes after checkout; a bank-transfer intent quoting the order number.
		expect(new Date(gz.dueAt!).getTime() - new Date(gz.createdAt).getTime()).toBe(30 * 60_000);
		expect(gz.payment).toMatchObject({
			provider: 'bank_transfer',
			status: 'pending',
			amountFen: gz.totalFen
		});
		expect(gz.payment!.instructions.memo).toBe(`LT${gz.number}`);
		expect(gz.events).toEqual([
			expect.objectContaining({
				from: null,
				to: 'pending_payment',
				action: 'checkout',
				actor: 'buyer'
			})
		]);
		// The answer built from what was written is what a read gives.
		for (const o of r.orders) expect(await getOrder(buyer.principal, o.id)).toEqual(o);
		expect(await counters(s1[8]!)).toMatchObject({ onHand: 800, allocated: 100 });
		expect(await counters(s2[2]!)).toMatchObject({ allocated: 200 });
		expect((await cartView(buyer.principal)).lines).toEqual([]);
		// The buyer's next cart quotes freight to the province they shipped to last.
		await setCartLine(buyer.principal, { lotId: s1[8], quantity: 50 });
		expect((await cartView(buyer.principal)).destProvince).toBe('山东省');
		// Lists: the buyer's orders, each supplier's own.
		const mine = await listOrders(buyer.principal);
		expect(mine.map((o) => o.id).sort()).toEqual(r.orders.map((o) => o.id).sort());
		expect(mine.find((o) => o.id === gz.id)).toMatchObject({ pieces: 100, lineCount: 1 });
		const s2list = await listOrders(supplier2.actor, { state: 'open' });
		expect(s2list.map((o) => o.id)).toContain(byLot(s2[2]!).id);
		expect(s2list.map((o) => o.id)).not.toContain(gz.id);
		expect((await listOrders(supplier2.actor, { state: 'closed' })).map((o) => o.id)).not.toContain(
			byLot(s2[2]!).id
		);
	});

	it('replays a repeated Idempotency-Key with the same orders; another request with it is 409', async () => {
		const buyer = await newBuyer();
		await setupLot(s1[10]!, { onHand: 500, moq: 50 });
		const body = { lines: [{ lotId: s1[10], quantity: 50 }], shipTo: SHIP_TO, provider: 'test' };
		const k = key();
		const first = await checkout(buyer.principal, body, k);
		const counts = await tradeRowCounts();
		const again = await checkout(buyer.principal, structuredClone(body), k);
		expect(again.replayed).toBe(true);
		expect(again.checkoutId).toBe(first.checkoutId);
		expect(again.orders.map((o) => o.id)).toEqual(first.orders.map((o) => o.id));
		expect(await tradeRowCounts()).toEqual(counts);
		expect(await counters(s1[10]!)).toMatchObject({ allocated: 50 });
		// Racing repeats of one key: one checkout, the same orders for all.
		const k2 = key();
		const racing = await Promise.all(
			Array.from({ length: 6 }, () => checkout(buyer.principal, body, k2))
		);
		expect(new Set(racing.map((r) => r.checkoutId)).size).toBe(1);
		expect(racing.filter((r) => !r.replayed)).toHaveLength(1);
		expect(await counters(s1[10]!)).toMatchObject({ allocated: 100 });
		// The key with another cart.
		const other = await caught(
			checkout(buyer.principal, { ...body, lines: [{ lotId: s1[10], quantity: 100 }] }, k)
		);
		expect(other.status).toBe(409);
		expect(other.code).toBe('idempotency_conflict');
		const cartBased = await caught(
			checkout(buyer.principal, { shipTo: SHIP_TO, provider: 'test' }, k)
		);
		expect(cartBased.code).toBe('idempotency_conflict');
		// Another buyer's key space is its own.
		const buyer2 = await newBuyer();
		expect((await checkout(buyer2.principal, body, k)).replayed).toBe(false);
	});

	it('someone else’s order is 404; its supplier and operators see it', async () => {
		const buyer = await newBuyer();
		const stranger = await newBuyer();
		await setupLot(s1[11]!, { onHand: 500, moq: 50 });
		const { orders } = await checkout(
			buyer.principal,
			{ lines: [{ lotId: s1[11], quantity: 50 }], shipTo: SHIP_TO, provider: 'test' },
			key()
		);
		const id = orders[0]!.id;
		expect((await getOrder(buyer.principal, id)).actions).toEqual(['pay', 'cancel']);
		expect((await caught(getOrder(stranger.principal, id))).status).toBe(404);
		expect((await caught(getOrder(supplier2.actor, id))).status).toBe(404);
		expect((await caught(getOrder(host.actor, id))).status).toBe(404);
		expect((await caught(getOrder(buyer.principal, 'not-a-uuid'))).status).toBe(404);
		expect((await getOrder(supplier1.actor, id)).actions).toEqual([]);
		expect((await getOrder(operator.actor, id)).id).toBe(id);
		expect((await listOrders(stranger.principal)).map((o) => o.id)).not.toContain(id);
		expect((await caught(listOrders(host.actor))).status).toBe(403);
	});
});

describe('no overselling', () => {
	it('20 parallel checkouts for a lot with stock for 5: five succeed, the rest get 409', async () => {
		const lotId = s2[3]!;
		await setupLot(lotId, { onHand: 250, moq: 50, province: '福建省' });
		const buyers = await Promise.all(Array.from({ length: 20 }, () => newBuyer()));
		const results = await Promise.allSettled(
			buyers.map((b) =>
				checkout(
					b.principal,
					{ lines: [{ lotId, quantity: 50 }], shipTo: SHIP_TO, provider: 'test' },
					key()
				)
			)
		);
		const ok = results.filter((r) => r.status === 'fulfilled');
		const refused = results.filter((r) => r.status === 'rejected');
		expect(ok).toHaveLength(5);
		for (const r of refused) {
			expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'insufficient_stock' });
		}
		expect(await counters(lotId)).toMatchObject({ onHand: 250, allocated: 250 });
		const [{ q }] = (await execRows<{ q: number }>(
			sql`select coalesce(sum(quantity), 0)::int as q from trade_order_lines where lot_id = ${lotId}`
		)) as [{ q: number }];
		expect(q).toBe(250);
	});

	it('checkouts racing a live show’s locks on one lot never oversell between them', async () => {
		const lotId = s2[4]!;
		await setupLot(lotId, { onHand: 400, moq: 50, province: '福建省' });
		const { id: showId } = await createShow(host.actor, {
			title: '批发与直播抢同一批货',
			slots: [{ lotId }]
		});
		await transitionShow(host.actor, showId, { status: 'live' });
		const buyers = await Promise.all(Array.from({ length: 8 }, () => newBuyer()));
		const tasks: Promise<{ kind: 'trade' | 'lock'; qty: number }>[] = [];
		for (let i = 0; i < 8; i++) {
			tasks.push(
				checkout(
					buyers[i]!.principal,
					{ lines: [{ lotId, quantity: 50 }], shipTo: SHIP_TO, provider: 'test' },
					key()
				).then(() => ({ kind: 'trade' as const, qty: 50 }))
			);
			tasks.push(
				acquireLock(i % 2 ? host.actor : assistant.actor, showId, { lotId, quantity: 25 }).then(
					() => ({ kind: 'lock' as const, qty: 25 })
				)
			);
		}
		const settled = await Promise.allSettled(tasks);
		const won = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
		for (const s of settled) {
			if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'insufficient_stock' });
		}
		const traded = won.filter((w) => w.kind === 'trade').reduce((a, w) => a + w.qty, 0);
		const locked = won.filter((w) => w.kind === 'lock').reduce((a, w) => a + w.qty, 0);
		const c = await counters(lotId);
		expect(c.allocated).toBe(traded);
		expect(c.locked).toBe(locked);
		expect(traded + locked).toBeLessThanOrEqual(400);
		// Demand (8×50 + 8×25 = 600) exceeds the 400 on hand: someone was refused, nothing oversold.
		expect(settled.some((s) => s.status === 'rejected')).toBe(true);
		const rows = await db()
			.select({ n: sql<number>`count(*)::int` })
			.from(tradeOrders)
			.innerJoin(tradePaymentIntents, eq(tradePaymentIntents.refId, tradeOrders.id))
			.where(
				sql`${tradeOrders.id} in (select order_id from trade_order_lines where lot_id = ${lotId})`
			);
		expect(rows[0]!.n).toBe(traded / 50);
	});
});
