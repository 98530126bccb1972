import { eq, inArray, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, dbHandle, execRows } from '../../src/lib/server/db';
import {
	defectClaims,
	freightRates,
	fulfilmentEvents,
	fulfilments,
	lots,
	orders,
	orgs
} from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { translator } from '../../src/lib/server/http';
import { savePolicy } from '../../src/lib/server/platform/policy';
import { refreshSalesStats } from '../../src/lib/server/catalog/sales';
import { setMediaStorage } from '../../src/lib/server/platform/storage';
import { claimWithPhotos, openClaimPhoto } from '../../src/lib/server/orders/claim-photos';
import { forgetFreightRates } from '../../src/lib/server/orders/freight';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, getShow, transitionShow, updateShow } from '../../src/lib/server/live/shows';
import {
	bulkShip,
	claimDefects,
	getFulfilment,
	getOrder,
	importOrders,
	placeOrder,
	showOrders,
	supplierQueue,
	transitionFulfilment
} from '../../src/lib/server/orders';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';
import { makeUser } from '../helpers/users';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

type A = Awaited<ReturnType<typeof demoActor>>;
let host: A, assistant: A, supplier1: A, supplier2: A, buyer: A, operator: A;
/** Lots of supplier1 (two warehouses' worth) and of supplier2. */
let s1Lots: string[];
let s2Lots: string[];

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

async function lotsOf(supplierEmail: string, n: number) {
	const rows = await execRows<{ id: string }>(sql`
		select l.id from lots l join users u on u.org_id = l.supplier_id
		where u.email = ${supplierEmail} and l.dropship_allowed order by l.seq limit ${n}`);
	return rows.map((r) => r.id);
}

async function stock(lotId: string, onHand: number) {
	await db()
		.update(lots)
		.set({ onHand, locked: 0, allocated: 0, status: 'active' })
		.where(eq(lots.id, lotId));
}

async function liveShow(lotIds: string[], lockEach: number, onHand = 100) {
	for (const id of lotIds) await stock(id, onHand);
	const { id } = await createShow(host.actor, {
		title: '订单测试专场',
		slots: lotIds.map((lotId) => ({ lotId }))
	});
	await transitionShow(host.actor, id, { status: 'live' });
	for (const lotId of lotIds) {
		if (lockEach > 0) await acquireLock(assistant.actor, id, { lotId, quantity: lockEach });
	}
	return id;
}

let seq = 0;
function order(showId: string, lines: { lotId: string; quantity: number }[], over: object = {}) {
	seq++;
	return {
		externalId: `DY${Date.now()}${seq}`,
		showId,
		lines: lines.map((l) => ({ ...l, unitPrice: 3500 })),
		shipTo: {
			name: '王小明',
			phone: '13800138000',
			province: '山东省',
			city: '济南市',
			district: '历下区',
			address: '泉城路 1 号'
		},
		paidAt: new Date().toISOString(),
		...over
	};
}

async function lot(id: string) {
	const [l] = await db().select().from(lots).where(eq(lots.id, id));
	expect(l!.locked + l!.allocated).toBeLessThanOrEqual(l!.onHand);
	return l!;
}

/** The supplier accepts a parcel and ships it with 韵达. */
async function acceptAndShip(supplier: A, fulfilmentId: string, trackingNo: string) {
	await transitionFulfilment(supplier.actor, fulfilmentId, { action: 'accept' });
	await transitionFulfilment(supplier.actor, fulfilmentId, {
		action: 'ship',
		carrier: '韵达',
		trackingNo
	});
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	[host, assistant, supplier1, supplier2, buyer, operator] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.host),
		demoActor(DEMO_ACCOUNTS.assistant1),
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.supplier2),
		demoActor(DEMO_ACCOUNTS.buyer1),
		demoActor(DEMO_ACCOUNTS.operator)
	]);
	s1Lots = await lotsOf(DEMO_ACCOUNTS.supplier1, 12);
	s2Lots = await lotsOf(DEMO_ACCOUNTS.supplier2, 6);
});

describe('placing orders', () => {
	it('is idempotent on externalId: a repeated webhook returns the same order, never a second', async () => {
		const showId = await liveShow([s1Lots[0]!], 10);
		const body = order(showId, [{ lotId: s1Lots[0]!, quantity: 2 }]);
		const first = await placeOrder(host.actor, body);
		expect(first.created).toBe(true);
		const again = await placeOrder(host.actor, body);
		expect(again.created).toBe(false);
		expect(again.order.id).toBe(first.order.id);
		// Repeats racing each other (same batch and across batches) still make one order.
		const racing = order(showId, [{ lotId: s1Lots[0]!, quantity: 1 }]);
		const results = await Promise.all(
			Array.from({ length: 10 }, () => placeOrder(host.actor, racing))
		);
		expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
		expect(results.filter((r) => r.created)).toHaveLength(1);
		const rows = await db().select().from(orders).where(eq(orders.showId, showId));
		expect(rows).toHaveLength(2);
		const l = await lot(s1Lots[0]!);
		expect(l).toMatchObject({ locked: 7, allocated: 3 });
	});

	it('splits an order per supplier and warehouse, with packaging instructions', async () => {
		const showId = await liveShow([s1Lots[1]!, s2Lots[0]!, s1Lots[2]!], 5);
		await updateShow(host.actor, showId, { packaging: ['relabel_live'] });
		// Put one of supplier1's lots in another warehouse: a separate parcel.
		await db()
			.update(lots)
			.set({ warehouseProvince: '浙江省', warehouseCity: '杭州市' })
			.where(eq(lots.id, s1Lots[2]!));
		const r = await placeOrder(
			host.actor,
			order(showId, [
				{ lotId: s1Lots[1]!, quantity: 2 },
				{ lotId: s2Lots[0]!, quantity: 1 },
				{ lotId: s1Lots[2]!, quantity: 1 }
			])
		);
		expect(r.order.fulfilments).toHaveLength(3);
		const bySupplier = r.order.fulfilments.map((f) => [f.supplierId, f.pieces]);
		expect(new Set(bySupplier.map(([s]) => s)).size).toBe(2);
		for (const f of r.order.fulfilments) {
			expect(f.status).toBe('pending');
			expect(f.packaging).toEqual(['relabel_live']);
			expect(f.sla.state).toBe('ok');
		}
		expect(r.order.totalFen).toBe(4 * 3500);
		// Each supplier's queue holds only its own parcel(s).
		const q1 = await supplierQueue(supplier1.actor);
		const q2 = await supplierQueue(supplier2.actor);
		const mine1 = q1.filter((f) => f.orderId === r.order.id);
		const mine2 = q2.filter((f) => f.orderId === r.order.id);
		expect(mine1).toHaveLength(2);
		expect(mine2).toHaveLength(1);
		expect(q1.every((f) => f.supplierId === supplier1.actor.orgId)).toBe(true);
		expect(mine2[0]!.actions).toContain('accept');
		// The show's view sees all three with live counters.
		const view = await showOrders(host.actor, showId);
		expect(view.fulfilments).toHaveLength(3);
		expect(view.counts.pending).toBe(3);
		const s = await getShow(host.actor, showId);
		expect(s.counters.find((c) => c.lotId === s1Lots[1])).toMatchObject({ soldInShow: 2 });
	});

	it('refuses lines beyond the show’s locks whole (409, nothing written) unless policy allows free stock', async () => {
		const [a, b] = [s1Lots[3]!, s1Lots[4]!];
		const showId = await liveShow([a, b], 3, 10);
		const before = await lot(b);
		const err = await caught(
			placeOrder(
				host.actor,
				order(showId, [
					{ lotId: a, quantity: 1 },
					{ lotId: b, quantity: 4 }
				])
			)
		);
		expect(err.status).toBe(409);
		expect(err.toJSON().error).toMatchObject({
			code: 'insufficient_stock',
			field: 'lines.1.quantity',
			available: 3
		});
		// The message reaches the caller in its language.
		expect(err.toJSON(translator('zh-CN')).error.message).toBe('本场该货品最多还能卖 3 件。');
		expect(err.toJSON(translator('en')).error.message).toBe(
			'Only 3 units of this lot can be sold in this show.'
		);
		expect(await db().select().from(orders).where(eq(orders.showId, showId))).toHaveLength(0);
		expect(await lot(a)).toMatchObject({ locked: 3, allocated: 0 });
		expect(await lot(b)).toMatchObject({ locked: before.locked, allocated: 0 });

		const { actor: operator } = await demoActor(DEMO_ACCOUNTS.operator);
		await savePolicy(operator, {
			changes: { 'orders.allowFreeStock': true },
			reason: 'test: free stock'
		});
		try {
			const ok = await placeOrder(host.actor, order(showId, [{ lotId: b, quantity: 5 }]));
			expect(ok.order.fulfilments[0]!.lines[0]).toMatchObject({ quantity: 5, fromFree: 2 });
			expect(await lot(b)).toMatchObject({ locked: 0, allocated: 5, onHand: 10 });
			// Free stock runs out too: 5 left, 6 asked.
			const e2 = await caught(placeOrder(host.actor, order(showId, [{ lotId: b, quantity: 6 }])));
			expect(e2.toJSON().error).toMatchObject({ code: 'insufficient_stock', available: 5 });
		} finally {
			await savePolicy(operator, {
				changes: { 'orders.allowFreeStock': false },
				reason: 'test: back to locks only'
			});
		}
	});

	it('sells exactly the locked units to 200 parallel 1-unit orders', async () => {
		const lotId = s2Lots[1]!;
		const showId = await liveShow([lotId], 100, 150);
		const results = await Promise.allSettled(
			Array.from({ length: 200 }, () =>
				placeOrder(host.actor, order(showId, [{ lotId, quantity: 1 }]))
			)
		);
		const ok = results.filter((r) => r.status === 'fulfilled');
		const refused = results.filter(
			(r) => r.status === 'rejected' && (r.reason as AppError).code === 'insufficient_stock'
		);
		expect(ok).toHaveLength(100);
		expect(refused).toHaveLength(100);
		expect(await lot(lotId)).toMatchObject({ locked: 0, allocated: 100, onHand: 150 });
		const [n] = await execRows<{ n: number }>(
			sql`select count(*)::int as n from orders where show_id = ${showId}`
		);
		expect(n!.n).toBe(100);
	});

	it('validates input and authorisation, writing nothing', async () => {
		const showId = await liveShow([s1Lots[5]!], 5);
		const cases: [object, string][] = [
			[{ lines: [{ lotId: s1Lots[5]!, quantity: 0, unitPrice: 100 }] }, 'lines.0.quantity'],
			[{ lines: [{ lotId: s1Lots[5]!, quantity: 1.5, unitPrice: 100 }] }, 'lines.0.quantity'],
			[{ lines: [{ lotId: s1Lots[5]!, quantity: 1, unitPrice: -1 }] }, 'lines.0.unitPrice'],
			[{ lines: [] }, 'lines'],
			[{ externalId: '' }, 'externalId'],
			[{ shipTo: { name: 'x' } }, 'shipTo.phone']
		];
		for (const [over, field] of cases) {
			const e = await caught(
				placeOrder(host.actor, {
					...order(showId, []),
					lines: [{ lotId: s1Lots[5]!, quantity: 1, unitPrice: 100 }],
					...over
				})
			);
			expect(e.status, field).toBe(400);
			expect(e.field).toBe(field);
		}
		const missing = await caught(
			placeOrder(
				host.actor,
				order(showId, [{ lotId: '00000000-0000-4000-8000-000000000000', quantity: 1 }])
			)
		);
		expect(missing.status).toBe(404);
		expect(missing.field).toBe('lines.0.lotId');
		const other = await makeUser('host');
		const forbidden = await caught(
			placeOrder(sessionPrincipal(other.user), order(showId, [{ lotId: s1Lots[5]!, quantity: 1 }]))
		);
		expect(forbidden.status).toBe(403);
		expect(await db().select().from(orders).where(eq(orders.showId, showId))).toHaveLength(0);
	});
});

describe('fulfilment', () => {
	async function oneParcel(lotId: string, quantity = 2) {
		const showId = await liveShow([lotId], 10, 50);
		const r = await placeOrder(host.actor, order(showId, [{ lotId, quantity }]));
		return { showId, f: r.order.fulfilments[0]!, orderId: r.order.id };
	}

	it('walks pending → accepted → packed → shipped → delivered, moving stock and recording who did it', async () => {
		const lotId = s1Lots[6]!;
		const { f } = await oneParcel(lotId, 2);
		await transitionFulfilment(supplier1.actor, f.id, { action: 'accept' });
		await transitionFulfilment(supplier1.actor, f.id, { action: 'pack' });
		const missing = await caught(transitionFulfilment(supplier1.actor, f.id, { action: 'ship' }));
		expect(missing.status).toBe(400);
		expect(missing.field).toBe('carrier');
		const shipped = await transitionFulfilment(supplier1.actor, f.id, {
			action: 'ship',
			carrier: '顺丰',
			trackingNo: 'SF1234567890'
		});
		expect(shipped).toMatchObject({
			status: 'shipped',
			carrier: '顺丰',
			trackingNo: 'SF1234567890'
		});
		expect(await lot(lotId)).toMatchObject({ onHand: 48, allocated: 0, locked: 8 });
		// The host sees it shipped.
		const seen = await getFulfilment(host.actor, f.id);
		expect(seen.status).toBe('shipped');
		const delivered = await transitionFulfilment(host.actor, f.id, { action: 'deliver' });
		expect(delivered.status).toBe('delivered');
		const events = await db()
			.select()
			.from(fulfilmentEvents)
			.where(eq(fulfilmentEvents.fulfilmentId, f.id))
			.orderBy(fulfilmentEvents.id);
		expect(events.map((e) => e.toStatus)).toEqual([
			'pending',
			'accepted',
			'packed',
			'shipped',
			'delivered'
		]);
		expect(events[1]!.actorUserId).toBe(supplier1.actor.userId!);
		// Returned within the window: back on the shelf.
		const returned = await transitionFulfilment(host.actor, f.id, { action: 'return' });
		expect(returned.status).toBe('returned');
		expect(await lot(lotId)).toMatchObject({ onHand: 50 });
		// A returned parcel no longer counts as sold in the show.
		const show = await getShow(host.actor, f.showId);
		expect(show.counters.find((c) => c.lotId === lotId)?.soldInShow).toBe(0);
	});

	it('refuses illegal transitions (422) and the wrong side (403)', async () => {
		const { f } = await oneParcel(s1Lots[7]!, 1);
		const ship = await caught(transitionFulfilment(supplier1.actor, f.id, { action: 'deliver' }));
		expect(ship.status).toBe(422);
		expect(ship.toJSON().error).toMatchObject({ code: 'illegal_transition', from: 'pending' });
		const byHost = await caught(transitionFulfilment(host.actor, f.id, { action: 'accept' }));
		expect(byHost.status).toBe(403);
		await transitionFulfilment(host.actor, f.id, { action: 'cancel' });
		const again = await caught(transitionFulfilment(supplier1.actor, f.id, { action: 'accept' }));
		expect(again.status).toBe(422);
		const ret = await caught(transitionFulfilment(host.actor, f.id, { action: 'return' }));
		expect(ret.status).toBe(422);
	});

	it('cancel gives the units back; out of stock removes them and tells the host', async () => {
		const lotId = s1Lots[8]!;
		const a = await oneParcel(lotId, 3);
		expect(await lot(lotId)).toMatchObject({ onHand: 50, locked: 7, allocated: 3 });
		const sold = async () =>
			(await getShow(host.actor, a.showId)).counters.find((c) => c.lotId === lotId)?.soldInShow;
		expect(await sold()).toBe(3);
		await transitionFulfilment(host.actor, a.f.id, { action: 'cancel' });
		expect(await lot(lotId)).toMatchObject({ onHand: 50, locked: 7, allocated: 0 });
		expect(await sold()).toBe(0);
		const b = await placeOrder(host.actor, order(a.showId, [{ lotId, quantity: 2 }]));
		expect(await sold()).toBe(2);
		const fb = b.order.fulfilments[0]!;
		await transitionFulfilment(supplier1.actor, fb.id, { action: 'accept' });
		const oos = await transitionFulfilment(supplier1.actor, fb.id, {
			action: 'out_of_stock',
			note: '仓库盘点短缺'
		});
		expect(oos).toMatchObject({ status: 'out_of_stock', exceptionNote: '仓库盘点短缺' });
		expect(await lot(lotId)).toMatchObject({ onHand: 48, locked: 5, allocated: 0 });
		expect(await sold()).toBe(0);
		const view = await showOrders(host.actor, a.showId);
		expect(view.counts).toMatchObject({ cancelled: 1, out_of_stock: 1 });
	});

	it('address problems go back to the supplier once the team fixes the address', async () => {
		const { f } = await oneParcel(s1Lots[9]!, 1);
		await transitionFulfilment(supplier1.actor, f.id, {
			action: 'address_problem',
			note: '查无此地址'
		});
		const noAddr = await caught(
			transitionFulfilment(host.actor, f.id, { action: 'address_fixed' })
		);
		expect(noAddr.field).toBe('shipTo');
		const fixed = await transitionFulfilment(host.actor, f.id, {
			action: 'address_fixed',
			shipTo: {
				name: '王小明',
				phone: '13800138000',
				province: '山东省',
				city: '济南市',
				address: '经十路 99 号'
			}
		});
		expect(fixed).toMatchObject({ status: 'pending', exceptionNote: null });
		expect(fixed.shipTo.address).toBe('经十路 99 号');
	});

	it('a supplier cannot list, read or change another supplier’s fulfilments; a buyer has no queue', async () => {
		const { f, orderId } = await oneParcel(s1Lots[10]!, 1);
		const q2 = await supplierQueue(supplier2.actor, { status: 'all' });
		expect(q2.find((x) => x.id === f.id)).toBeUndefined();
		expect((await caught(getFulfilment(supplier2.actor, f.id))).status).toBe(404);
		expect(
			(await caught(transitionFulfilment(supplier2.actor, f.id, { action: 'accept' }))).status
		).toBe(404);
		expect((await caught(supplierQueue(buyer.actor))).status).toBe(403);
		expect((await caught(getOrder(supplier1.actor, orderId))).status).toBe(404);
		expect((await getOrder(operator.actor, orderId)).id).toBe(orderId);
		const [row] = await db().select().from(fulfilments).where(eq(fulfilments.id, f.id));
		expect(row!.status).toBe('pending');
	});

	it('ships a sheet of tracking numbers row by row with a per-row report', async () => {
		const lotId = s1Lots[11]!;
		const showId = await liveShow([lotId], 10, 50);
		const p1 = await placeOrder(host.actor, order(showId, [{ lotId, quantity: 1 }]));
		const p2 = await placeOrder(host.actor, order(showId, [{ lotId, quantity: 1 }]));
		const [f1, f2] = [p1.order.fulfilments[0]!, p2.order.fulfilments[0]!];
		const other = await oneParcel(s2Lots[2]!, 1);
		await transitionFulfilment(supplier1.actor, f1.id, { action: 'accept' });
		const report = await bulkShip(supplier1.actor, [
			{ row: 2, number: `#${f1.number}`, carrier: '中通', trackingNo: 'ZT000111222' },
			{ row: 3, number: String(f2.number), carrier: '中通', trackingNo: 'ZT000111333' },
			{ row: 4, number: String(other.f.number), carrier: '中通', trackingNo: 'ZT000111444' },
			{ row: 5, number: '99999999', carrier: '中通', trackingNo: 'ZT000111555' },
			{ row: 6, number: String(f1.number), carrier: '', trackingNo: 'ZT000111666' }
		]);
		expect(report.shipped).toBe(1);
		expect(report.rows.map((r) => [r.row, r.ok, r.column ?? null])).toEqual([
			[2, true, null],
			[3, false, 'number'], // pending: must be accepted first
			[4, false, 'number'], // another supplier's: unknown
			[5, false, 'number'],
			[6, false, 'carrier']
		]);
		expect((await getFulfilment(supplier1.actor, f1.id)).trackingNo).toBe('ZT000111222');
		expect((await getFulfilment(supplier2.actor, other.f.id)).status).toBe('pending');
	});

	it('3+ severely defective pieces with photos → replacement due in 24 h, freight charged to the supplier', async () => {
		const lotId = s2Lots[3]!;
		await db().update(lots).set({ warehouseProvince: '福建省' }).where(eq(lots.id, lotId));
		await db()
			.insert(freightRates)
			.values({
				originProvince: '福建省',
				destProvince: '山东省',
				minPieces: 1,
				partnerBaseFen: 1000,
				partnerPerPieceFen: 300,
				marketBaseFen: 1500,
				marketPerPieceFen: 400
			})
			.onConflictDoUpdate({
				target: [freightRates.originProvince, freightRates.destProvince, freightRates.minPieces],
				set: {
					partnerBaseFen: 1000,
					partnerPerPieceFen: 300,
					marketBaseFen: 1500,
					marketPerPieceFen: 400
				}
			});
		// Written behind the service's back: forget the remembered tiers of the route.
		forgetFreightRates();
		const { f } = await oneParcel(lotId, 5);
		expect(f.freight).toMatchObject({
			partnerFen: 1000 + 5 * 300,
			marketFen: 1500 + 5 * 400,
			savingFen: 1000
		});
		await acceptAndShip(supplier2, f.id, 'YD99887766');
		const early = await caught(
			claimDefects(host.actor, f.id, { severePieces: 3, photos: ['a', 'b', 'c'] })
		);
		expect(early.status).toBe(422);
		await transitionFulfilment(host.actor, f.id, { action: 'deliver' });
		const small = await claimDefects(host.actor, f.id, { severePieces: 2, photos: ['a', 'b'] });
		expect(small.replacement).toBeNull();
		const t0 = Date.now();
		const big = await claimDefects(host.actor, f.id, {
			severePieces: 3,
			description: '三件开线严重',
			photos: ['p1.jpg', 'p2.jpg', 'p3.jpg']
		});
		expect(big.replacement).toMatchObject({
			kind: 'replacement',
			replacesId: f.id,
			pieces: 3,
			status: 'pending'
		});
		const due = new Date(big.replacement!.dueAt!).getTime() - t0;
		expect(due).toBeGreaterThan(23.9 * 3_600_000);
		expect(due).toBeLessThanOrEqual(24 * 3_600_000 + 5_000);
		expect(big.freightChargeFen).toBe(1000 + 3 * 300);
		const claims = await db()
			.select()
			.from(defectClaims)
			.where(eq(defectClaims.fulfilmentId, f.id));
		expect(claims).toHaveLength(2);
		// It is in the supplier's queue; suppliers cannot file claims.
		const q = await supplierQueue(supplier2.actor);
		expect(q.find((x) => x.id === big.replacement!.id)).toBeDefined();
		expect(
			(
				await caught(
					claimDefects(supplier2.actor, f.id, { severePieces: 3, photos: ['a', 'b', 'c'] })
				)
			).status
		).toBe(403);
		// Its stock came from free stock: 45 left on hand after shipping 5, 3 allocated.
		expect(await lot(lotId)).toMatchObject({ onHand: 45, allocated: 3 });
	});

	it('a claim from the console stores its photo files, refuses non-images and leaves no photo of a refused claim', async () => {
		const stored = new Map<string, Uint8Array>();
		setMediaStorage({
			put: async (k, b) => void stored.set(k, b),
			get: async (k) => {
				const b = stored.get(k);
				return b ? { body: new Blob([new Uint8Array(b)]).stream(), size: b.byteLength } : null;
			},
			delete: async (k) => void stored.delete(k),
			url: (k) => `/media/${k}`
		});
		try {
			const { f } = await oneParcel(s2Lots[5]!, 4);
			await acceptAndShip(supplier2, f.id, 'YD55443322');
			await transitionFulfilment(host.actor, f.id, { action: 'deliver' });
			const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
			const claim = (severePieces: number, photos: Uint8Array[], who = host) =>
				claimWithPhotos(who.actor, f.id, { severePieces, description: '破损', photos });

			const notImage = await caught(claim(3, [png, new Uint8Array([1, 2, 3])]));
			expect([notImage.status, notImage.code, notImage.field]).toEqual([
				400,
				'unsupported_media',
				'photos'
			]);
			const tooMany = await caught(claim(9, [png, png, png]));
			expect(tooMany.field).toBe('severePieces');
			expect((await caught(claim(3, [png], supplier2))).status).toBe(403);
			expect((await caught(claim(3, [png], supplier1))).status).toBe(404);
			expect(stored.size).toBe(0);

			const r = await claim(3, [png, png, png]);
			expect(r.replacement).toMatchObject({ kind: 'replacement', replacesId: f.id, pieces: 3 });
			const [row] = await db()
				.select()
				.from(defectClaims)
				.where(eq(defectClaims.fulfilmentId, f.id));
			expect(row!.photos).toEqual([...stored.keys()]);
			expect(row!.photos).toHaveLength(3);
			for (const k of row!.photos)
				expect(k).toMatch(new RegExp(`^claims/${f.id}/[0-9a-f]{24}\\.png$`));
			// The evidence is on both parcels' views, and only their parties may open it.
			const replacement = await getFulfilment(supplier2.actor, r.replacement!.id);
			expect(replacement.claimPhotos).toEqual(row!.photos);
			expect((await getFulfilment(host.actor, f.id)).claimPhotos).toEqual(row!.photos);
			const key = row!.photos[0]!;
			for (const who of [supplier2, host, operator]) {
				expect((await openClaimPhoto(who.actor, key)).mime).toBe('image/png');
			}
			expect((await caught(openClaimPhoto(supplier1.actor, key))).status).toBe(404);
			expect((await caught(openClaimPhoto(buyer.actor, key))).status).toBe(404);
			const forged = key.replace(/[0-9a-f]{24}/, 'a'.repeat(24));
			expect((await caught(openClaimPhoto(host.actor, forged))).status).toBe(404);
		} finally {
			setMediaStorage(undefined);
		}
	});
});

describe('sale facts for the catalog', () => {
	const factsOf = (refs: string[]) =>
		execRows<{
			order_ref: string;
			lot_id: string;
			buyer_key: string;
			quantity: number;
			amount_fen: number;
			channel: string;
		}>(sql`select order_ref, lot_id, buyer_key, quantity, amount_fen::int as amount_fen,
			channel::text as channel
			from lot_sales
			where order_ref in (select jsonb_array_elements_text(${JSON.stringify(refs)}::jsonb))
			order by quantity`);
	const lineIds = (r: { order: { fulfilments: { lines: { id: string }[] }[] } }) =>
		r.order.fulfilments.flatMap((f) => f.lines.map((l) => l.id));
	/**
	 * Runs the stats job until the facts of these lines are in (at most 10 s): its horizon is the
	 * oldest transaction running anywhere on the Postgres server, and other test files' work
	 * holds it back for a moment.
	 */
	async function pulled(refs: string[], n: number) {
		for (let i = 0; i < 100; i++) {
			await refreshSalesStats();
			if ((await factsOf(refs)).length >= n) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		return factsOf(refs);
	}
	/** A lot's 7-day sales as its facts say. */
	async function factSum(lotId: string) {
		const [r] = await execRows<{ q: number }>(sql`select coalesce(sum(quantity), 0)::int as q
			from lot_sales where lot_id = ${lotId} and sold_at > now() - interval '7 days'`);
		return r!.q;
	}

	it('are read from placed orders by the stats job, once each, replacement parcels left out', async () => {
		const [a, b] = [s1Lots[11]!, s2Lots[4]!];
		const showId = await liveShow([a, b], 10, 50);
		const placed = await placeOrder(
			host.actor,
			order(showId, [
				{ lotId: a, quantity: 2 },
				{ lotId: b, quantity: 3 }
			])
		);
		const lines = lineIds(placed);
		// The batch writes no facts; its parcel of b goes out, arrives and gets a replacement
		// before the job runs.
		expect(await factsOf(lines)).toHaveLength(0);
		const fb = placed.order.fulfilments.find((f) => f.supplierId === supplier2.actor.orgId)!;
		await acceptAndShip(supplier2, fb.id, 'YD11223344');
		await transitionFulfilment(host.actor, fb.id, { action: 'deliver' });
		const claim = await claimDefects(host.actor, fb.id, {
			severePieces: 3,
			photos: ['p1.jpg', 'p2.jpg', 'p3.jpg']
		});
		expect(claim.replacement).not.toBeNull();

		// A consumer is counted by a hash of the phone number's digits, never the number.
		const buyer = 'c:' + createHash('sha256').update('13800138000').digest('hex').slice(0, 32);
		expect(await pulled(lines, 2)).toEqual([
			{
				order_ref: expect.any(String),
				lot_id: a,
				buyer_key: buyer,
				quantity: 2,
				amount_fen: 7000,
				channel: 'dropship'
			},
			{
				order_ref: expect.any(String),
				lot_id: b,
				buyer_key: buyer,
				quantity: 3,
				amount_fen: 10500,
				channel: 'dropship'
			}
		]);
		const replacementLines = claim.replacement!.lines.map((l) => l.id);
		expect(replacementLines.length).toBeGreaterThan(0);
		expect(await factsOf(replacementLines)).toHaveLength(0);
		// The lots' figures follow the facts.
		expect((await lot(a)).sales7d).toBe(await factSum(a));
		expect((await lot(b)).sales7d).toBe(await factSum(b));
		expect(await factSum(b)).toBeGreaterThanOrEqual(3);
		// The next run reads nothing twice.
		await refreshSalesStats();
		expect(await factsOf(lines)).toHaveLength(2);
		expect(await factsOf(replacementLines)).toHaveLength(0);
		expect((await lot(b)).sales7d).toBe(await factSum(b));
	});

	// Two transactions at once: PGlite has one connection.
	it.runIf(dbHandle().kind === 'postgres')(
		'leaves orders committed behind a transaction still running to the run after it ends',
		async () => {
			const a = s1Lots[11]!;
			await refreshSalesStats();
			const showId = await liveShow([a], 10, 50);
			let late: string[] = [];
			await db().transaction(async (tx) => {
				// An older transaction (an import, say) is still open when a newer one commits an order.
				await tx.execute(sql`select pg_current_xact_id()`);
				late = lineIds(await placeOrder(host.actor, order(showId, [{ lotId: a, quantity: 1 }])));
				await refreshSalesStats();
				// The job cannot know yet what the older one will commit: it reads up to it, no further.
				expect(await factsOf(late)).toHaveLength(0);
			});
			expect(await pulled(late, 1)).toHaveLength(1);
		}
	);
});

describe('import', () => {
	it('an order sheet with a bad row places nothing; a good sheet places orders grouped by externalId', async () => {
		const lotId = s2Lots[4]!;
		const showId = await liveShow([lotId], 10, 50);
		const head = 'externalId,lotId,quantity,unitPrice,name,phone,province,city,district,address\n';
		const bad =
			head +
			`IMP-1,${lotId},1,3500,张三,13900000000,广东省,广州市,天河区,体育西路 1 号\n` +
			`IMP-2,${lotId},abc,3500,李四,13900000001,广东省,广州市,天河区,体育西路 2 号\n`;
		const r1 = await importOrders(host.actor, showId, new TextEncoder().encode(bad));
		expect(r1.ok).toBe(false);
		expect(r1.errors[0]).toMatchObject({ row: 3, column: 'quantity' });
		expect(await db().select().from(orders).where(eq(orders.showId, showId))).toHaveLength(0);
		const good =
			head +
			`IMP-1,${lotId},1,3500,张三,13900000000,广东省,广州市,天河区,体育西路 1 号\n` +
			`IMP-1,${lotId},2,3000,张三,13900000000,广东省,广州市,天河区,体育西路 1 号\n` +
			`IMP-2,${lotId},1,3500,李四,13900000001,广东省,广州市,天河区,体育西路 2 号\n`;
		const r2 = await importOrders(host.actor, showId, new TextEncoder().encode(good));
		expect(r2.ok).toBe(true);
		expect(r2.orders.map((o) => o.created)).toEqual([true, true]);
		const again = await importOrders(host.actor, showId, new TextEncoder().encode(good));
		expect(again.orders.map((o) => o.created)).toEqual([false, false]);
		const rows = await db().select().from(orders).where(eq(orders.showId, showId));
		expect(rows.map((o) => o.totalFen).sort()).toEqual([3500, 9500]);
		expect(rows.every((o) => o.source === 'import')).toBe(true);
		const supplierIds = await db()
			.select({ id: orgs.id })
			.from(orgs)
			.where(inArray(orgs.id, [supplier2.actor.orgId!]));
		expect(supplierIds).toHaveLength(1);
	});
});

describe('OpenAPI', () => {
	it('documents the orders API from the same schemas the API validates with', async () => {
		const { openApiDocument } = await import('../../src/lib/server/modules');
		const doc = openApiDocument('http://localhost') as {
			paths: Record<string, unknown>;
			components: { schemas: Record<string, { required?: string[] }> };
		};
		for (const p of ['/api/v1/orders', '/api/v1/fulfilments/{id}/transitions', '/api/v1/lots']) {
			expect(doc.paths[p], p).toBeDefined();
		}
		expect(doc.components.schemas.OrderCreate!.required).toEqual(
			expect.arrayContaining(['externalId', 'showId', 'lines', 'shipTo', 'paidAt'])
		);
		expect(() => JSON.stringify(doc)).not.toThrow();
	});
});
