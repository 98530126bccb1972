import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import {
	lots,
	orgs,
	tradeCheckouts,
	tradeCreditAccounts,
	tradeDisputes,
	tradeOrderLines,
	tradeOrders,
	tradeSamples
} from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

// The trade tables' check constraints and unique indexes hold the invariants the domain rules
// compute (docs/TRADE.md); these tests write straight to the tables, as only the trade module
// will, and check that the database refuses what the rules never produce.

const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

let buyerOrgId = '';
let supplierId = '';
let lotId = '';
let checkoutId = '';

/** Postgres's error (drizzle wraps it): the constraint name is in the message or the cause. */
async function refusal(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (e) {
		const err = e as { message?: string; cause?: { message?: string; constraint_name?: string } };
		return `${err.message ?? ''} ${err.cause?.message ?? ''} ${err.cause?.constraint_name ?? ''}`;
	}
	throw new Error('expected the database to refuse the write');
}

function order(over: Partial<typeof tradeOrders.$inferInsert> = {}) {
	return {
		checkoutId,
		buyerOrgId,
		supplierId,
		warehouseProvince: '广东省',
		warehouseCity: '广州市',
		shipTo: SHIP_TO,
		goodsFen: 1_750_000,
		packagingFen: 15_000,
		freightFen: 160_000,
		freightMarketFen: 200_000,
		creditFen: 15_000,
		totalFen: 1_750_000 + 15_000 + 160_000 - 15_000,
		feeBp: 300,
		...over
	};
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	const [lot] = await db().select().from(lots).limit(1);
	lotId = lot!.id;
	supplierId = lot!.supplierId;
	const [buyer] = await db().select().from(orgs).where(eq(orgs.kind, 'buyer')).limit(1);
	buyerOrgId = buyer!.id;
	const [c] = await db()
		.insert(tradeCheckouts)
		.values({ buyerOrgId, idempotencyKey: 'k1', requestHash: 'h' })
		.returning();
	checkoutId = c!.id;
}, 120_000);

describe('trade schema invariants', () => {
	it('keeps an order total equal to goods + packaging + freight − credit', async () => {
		const [ok] = await db().insert(tradeOrders).values(order()).returning();
		expect(ok!.state).toBe('pending_payment');
		expect(ok!.number).toBeGreaterThan(0);
		expect(
			await refusal(
				db()
					.insert(tradeOrders)
					.values(order({ totalFen: 1 }))
			)
		).toMatch(/trade_orders_amounts/);
		expect(
			await refusal(
				db()
					.insert(tradeOrders)
					.values(order({ creditFen: 2_000_000 }))
			)
		).toMatch(/trade_orders_amounts/);
		// Orders on credit terms carry no sample credit.
		expect(
			await refusal(
				db()
					.insert(tradeOrders)
					.values(order({ paymentMode: 'terms' }))
			)
		).toMatch(/trade_orders_terms_no_credit/);
	});

	it("keeps a line's goods equal to unit price × quantity, in bigint", async () => {
		const [o] = await db().insert(tradeOrders).values(order()).returning();
		const line = {
			orderId: o!.id,
			lotId,
			quantity: 500_000,
			unitPriceFen: 9_000,
			goodsFen: 4_500_000_000, // beyond int4: the product is computed in bigint
			packagingFen: 0,
			lineFen: 4_500_000_000
		};
		await db().insert(tradeOrderLines).values(line);
		const [o2] = await db().insert(tradeOrders).values(order()).returning();
		expect(
			await refusal(
				db()
					.insert(tradeOrderLines)
					.values({ ...line, orderId: o2!.id, goodsFen: 4_499_999_999, lineFen: 4_499_999_999 })
			)
		).toMatch(/trade_order_lines_amounts/);
		expect(await refusal(db().insert(tradeOrderLines).values(line))).toMatch(
			/trade_order_lines_order_lot_key/
		);
	});

	it('allows one open sample request per buyer and lot, and a credit used once', async () => {
		const sample = {
			buyerOrgId,
			supplierId,
			lotId,
			pieces: 3,
			priceFen: 5000,
			feeFen: 15_000,
			shipTo: SHIP_TO
		};
		const [first] = await db().insert(tradeSamples).values(sample).returning();
		expect(await refusal(db().insert(tradeSamples).values(sample))).toMatch(
			/trade_samples_open_key/
		);
		expect(
			await refusal(
				db()
					.insert(tradeSamples)
					.values({ ...sample, buyerOrgId: supplierId, feeFen: 15_001 })
			)
		).toMatch(/trade_samples_amounts/);
		await db()
			.update(tradeSamples)
			.set({ state: 'approved', approvedAt: new Date() })
			.where(eq(tradeSamples.id, first!.id));
		const [second] = await db().insert(tradeSamples).values(sample).returning();
		await db()
			.update(tradeSamples)
			.set({ state: 'approved', approvedAt: new Date() })
			.where(eq(tradeSamples.id, second!.id));
		const [o] = await db().insert(tradeOrders).values(order()).returning();
		await db()
			.update(tradeSamples)
			.set({ creditUsedBy: o!.id })
			.where(eq(tradeSamples.id, first!.id));
		expect(
			await refusal(
				db()
					.update(tradeSamples)
					.set({ creditUsedBy: o!.id })
					.where(and(eq(tradeSamples.id, second!.id)))
			)
		).toMatch(/trade_samples_credit_key/);
	});

	it('closes a dispute only with one outcome that divides the frozen amount', async () => {
		const [o] = await db().insert(tradeOrders).values(order()).returning();
		const [d] = await db()
			.insert(tradeDisputes)
			.values({
				orderId: o!.id,
				remedy: 'partial_refund',
				frozenFen: 100_000,
				askedRefundFen: 30_000
			})
			.returning();
		const close = (refund: number, release: number) =>
			db()
				.update(tradeDisputes)
				.set({
					state: 'closed',
					outcomeKind: 'partial_refund',
					outcomeRefundFen: refund,
					outcomeReleaseFen: release,
					outcomeBy: 'operator'
				})
				.where(eq(tradeDisputes.id, d!.id));
		expect(await refusal(close(30_000, 60_000))).toMatch(/trade_disputes_outcome/);
		expect(
			await refusal(
				db().update(tradeDisputes).set({ state: 'closed' }).where(eq(tradeDisputes.id, d!.id))
			)
		).toMatch(/trade_disputes_outcome/);
		await close(30_000, 70_000);
		// A second dispute on the same order is refused.
		expect(
			await refusal(
				db()
					.insert(tradeDisputes)
					.values({ orderId: o!.id, remedy: 'exchange', frozenFen: 1, askedRefundFen: 0 })
			)
		).toMatch(/trade_disputes_order_key/);
	});

	it('stores credit codes in the GB 32100 alphabet and approves only with a limit and term', async () => {
		const account = { buyerOrgId, companyName: '济南某商贸有限公司', uscc: '91350100M000100Y43' };
		expect(
			await refusal(
				db()
					.insert(tradeCreditAccounts)
					.values({ ...account, uscc: '91350100I000100Y43' })
			)
		).toMatch(/trade_credit_accounts_uscc/);
		await db().insert(tradeCreditAccounts).values(account);
		expect(
			await refusal(
				db()
					.update(tradeCreditAccounts)
					.set({ status: 'approved' })
					.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId))
			)
		).toMatch(/trade_credit_accounts_approved/);
		await db()
			.update(tradeCreditAccounts)
			.set({ status: 'approved', limitFen: 20_000_000, termDays: 45 })
			.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId));
	});
});
