import { beforeAll, describe, expect, it } from 'vitest';
import { createLot } from '../../src/lib/server/catalog';
import type { Principal } from '../../src/lib/server/auth/principal';
import { db } from '../../src/lib/server/db';
import {
	tradeCheckouts,
	tradeOrders,
	tradeSamples,
	tradeSealedReferences
} from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { sealedReferenceOf } from '../../src/lib/server/trade/packing';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';
import { makeUser } from '../helpers/users';

// The packing list's sealed-sample line (trade/packing.ts): the tagged sample an order ships
// against, readable by the order's supplier, its buyer and operators; 404 for anyone else.

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

let operator: Principal;
let supplier: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let other: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let buyer: Awaited<ReturnType<typeof makeUser>>;
let stranger: Awaited<ReturnType<typeof makeUser>>;
let sealedOrderId = '';
let plainOrderId = '';

beforeAll(async () => {
	await seedReferenceData();
	operator = await makeOperator();
	supplier = await makeAdmittedSupplier(operator, '广州衣尚服饰厂');
	other = await makeAdmittedSupplier(operator, '晋江步云鞋业');
	buyer = await makeUser('buyer');
	stranger = await makeUser('buyer');
	const lot = await createLot(supplier.principal, {
		title: '衣尚 纯棉圆领T恤',
		categoryPath: 'apparel/women/tshirts',
		source: 'factory_overrun',
		grade: 'B',
		defectDescription: '袖口有线头（微瑕）',
		tagPriceFen: 29900,
		unitPriceFen: 3500,
		moq: 100,
		onHand: 2000,
		sizeBreakdown: { M: 1000, L: 1000 }
	});
	const [sample] = await db()
		.insert(tradeSamples)
		.values({
			buyerOrgId: buyer.orgId,
			supplierId: supplier.orgId,
			lotId: lot.id,
			pieces: 3,
			priceFen: 5000,
			feeFen: 15_000,
			shipTo: SHIP_TO,
			state: 'approved',
			approvedAt: new Date('2026-11-20T08:00:00Z')
		})
		.returning();
	await db()
		.insert(tradeSealedReferences)
		.values({
			sampleId: sample!.id,
			lotId: lot.id,
			snapshot: {
				sampleId: sample!.id,
				lotId: lot.id,
				tags: ['YP0000000018', 'YP0000000026'],
				photos: [],
				grade: 'B',
				spec: {},
				title: '衣尚 纯棉圆领T恤',
				sealedAt: '2026-11-20T08:00:00.000Z'
			},
			sealedAt: new Date('2026-11-20T08:00:00Z')
		});
	const [c] = await db()
		.insert(tradeCheckouts)
		.values({ buyerOrgId: buyer.orgId, idempotencyKey: 'k1', requestHash: 'h' })
		.returning();
	const order = {
		checkoutId: c!.id,
		buyerOrgId: buyer.orgId,
		supplierId: supplier.orgId,
		warehouseProvince: '广东省',
		warehouseCity: '广州市',
		shipTo: SHIP_TO,
		goodsFen: 350_000,
		freightFen: 16_000,
		freightMarketFen: 20_000,
		totalFen: 366_000,
		feeBp: 300
	};
	const [a] = await db()
		.insert(tradeOrders)
		.values({ ...order, sealedSampleId: sample!.id })
		.returning();
	const [b] = await db().insert(tradeOrders).values(order).returning();
	sealedOrderId = a!.id;
	plainOrderId = b!.id;
});

describe('the sealed sample on the packing list', () => {
	it('gives the tags the order ships against to its supplier, its buyer and operators', async () => {
		for (const p of [supplier.principal, buyer.principal, operator]) {
			const ref = await sealedReferenceOf(p, sealedOrderId);
			expect(ref).toMatchObject({
				tags: ['YP0000000018', 'YP0000000026'],
				grade: 'B',
				title: '衣尚 纯棉圆领T恤',
				sealedAt: '2026-11-20T08:00:00.000Z'
			});
		}
	});

	it('is null for an order without a sealed sample', async () => {
		expect(await sealedReferenceOf(supplier.principal, plainOrderId)).toBeNull();
	});

	it('hides the order from everyone else (404), and refuses nobody signed in (401)', async () => {
		for (const p of [other.principal, stranger.principal]) {
			expect((await caught(sealedReferenceOf(p, sealedOrderId))).status).toBe(404);
		}
		expect((await caught(sealedReferenceOf(supplier.principal, 'nope'))).status).toBe(404);
		expect((await caught(sealedReferenceOf(null, sealedOrderId))).status).toBe(401);
	});
});
