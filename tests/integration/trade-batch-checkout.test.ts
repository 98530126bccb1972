// Concurrent checkouts share one transaction (checkout.ts `checkoutBatch`): the same checkouts
// sent all at once must end exactly as when sent one after another, in the same order — the
// same refusals (422 MOQ, 409 with `available`, 409 for a key reused with another request), the
// same replays, the same stock allocated, nothing oversold and nothing written for a refusal.
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { freightRates, tradeCheckouts, tradeOrders } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { checkout, setCartLine } from '../../src/lib/server/trade';
import {
	counters,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO
} from '../helpers/trade-checkout';

let s1: string[];

beforeAll(async () => {
	await seedDemoIfEmpty();
	s1 = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 8);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 0, partnerPerPieceFen: 300 });
});

type Buyer = Awaited<ReturnType<typeof newBuyer>>;
interface Call {
	buyer: number;
	key: string;
	lines?: { lot: number; quantity: number }[];
}

/**
 * Ten checkouts on two lots (A: 300 pieces, MOQ 50; B: 200, MOQ 100) by four buyers: some fit,
 * one is below the MOQ, later ones find the stock gone (409 with what is left), one repeats an
 * earlier key with the same request (replay) and one with another request (409), and one buys
 * its buyer's cart.
 */
const CALLS: Call[] = [
	{ buyer: 0, key: 'a', lines: [{ lot: 0, quantity: 100 }] },
	{
		buyer: 1,
		key: 'a',
		lines: [
			{ lot: 0, quantity: 100 },
			{ lot: 1, quantity: 100 }
		]
	},
	{ buyer: 2, key: 'a', lines: [{ lot: 1, quantity: 60 }] },
	{ buyer: 0, key: 'a', lines: [{ lot: 0, quantity: 100 }] },
	{ buyer: 0, key: 'a', lines: [{ lot: 0, quantity: 150 }] },
	{ buyer: 3, key: 'a' },
	{
		buyer: 2,
		key: 'b',
		lines: [
			{ lot: 0, quantity: 100 },
			{ lot: 1, quantity: 100 }
		]
	},
	{ buyer: 1, key: 'b', lines: [{ lot: 1, quantity: 100 }] },
	{ buyer: 3, key: 'b', lines: [{ lot: 0, quantity: 50 }] },
	{ buyer: 2, key: 'c', lines: [{ lot: 0, quantity: 50 }] }
];

/** What a call ended as, without ids: status, code, field, `available`, orders and pieces. */
function shape(r: PromiseSettledResult<Awaited<ReturnType<typeof checkout>>>, lots: string[]) {
	if (r.status === 'rejected') {
		const e = r.reason as AppError;
		expect(e).toBeInstanceOf(AppError);
		return {
			refused: e.code,
			field: e.field,
			available: (e.details as { available?: number } | undefined)?.available ?? null
		};
	}
	return {
		replayed: r.value.replayed,
		orders: r.value.orders.map((o) =>
			o.lines
				.map((l) => `${lots.indexOf(l.lotId)}×${l.quantity}`)
				.sort()
				.join(',')
		)
	};
}

async function scenario(lots: string[], concurrent: boolean) {
	await setupLot(lots[0]!, { onHand: 300, moq: 50 });
	await setupLot(lots[1]!, { onHand: 200, moq: 100 });
	const buyers: Buyer[] = await Promise.all([0, 1, 2, 3].map(() => newBuyer()));
	await setCartLine(buyers[3]!.principal, { lotId: lots[0], quantity: 50 });
	const run = (c: Call) =>
		checkout(
			buyers[c.buyer]!.principal,
			{
				...(c.lines
					? { lines: c.lines.map((l) => ({ lotId: lots[l.lot], quantity: l.quantity })) }
					: {}),
				shipTo: SHIP_TO,
				provider: 'test'
			},
			c.key
		);
	const results: PromiseSettledResult<Awaited<ReturnType<typeof checkout>>>[] = [];
	if (concurrent) results.push(...(await Promise.allSettled(CALLS.map(run))));
	else for (const c of CALLS) results.push(...(await Promise.allSettled([run(c)])));
	const orgIds = buyers.map((b) => b.principal.orgId!);
	const orders = await db()
		.select({ id: tradeOrders.id })
		.from(tradeOrders)
		.where(inArray(tradeOrders.buyerOrgId, orgIds));
	const keys = await db()
		.select({ id: tradeCheckouts.id })
		.from(tradeCheckouts)
		.where(inArray(tradeCheckouts.buyerOrgId, orgIds));
	const [xmins] = await execRows<{ n: number }>(
		sql`select count(distinct xmin::text)::int as n from trade_orders
			where buyer_org_id = any(${`{${orgIds.join(',')}}`}::uuid[])`
	);
	return {
		outcomes: results.map((r) => shape(r, lots)),
		stock: [await counters(lots[0]!), await counters(lots[1]!)],
		orders: orders.length,
		keys: keys.length,
		transactions: xmins!.n
	};
}

describe('batched checkouts', () => {
	it('end as the same checkouts one after another: refusals, replays, stock, keys', async () => {
		const serial = await scenario([s1[0]!, s1[1]!], false);
		const batched = await scenario([s1[2]!, s1[3]!], true);
		expect(batched.outcomes).toEqual(serial.outcomes);
		expect(batched.stock).toEqual(serial.stock);
		expect(batched.orders).toBe(serial.orders);
		// The refused checkouts' keys are not kept (a retry with the key can succeed later).
		expect(batched.keys).toBe(serial.keys);
		// What the scenario is meant to cover, so that the comparison above is not vacuous.
		expect(serial.outcomes).toEqual([
			{ replayed: false, orders: ['0×100'] },
			{ replayed: false, orders: ['0×100,1×100'] },
			{ refused: 'moq', field: 'lines.0.quantity', available: null },
			{ replayed: true, orders: ['0×100'] },
			{ refused: 'idempotency_conflict', field: 'idempotencyKey', available: null },
			{ replayed: false, orders: ['0×50'] },
			{ refused: 'insufficient_stock', field: 'lines.0.quantity', available: 50 },
			{ replayed: false, orders: ['1×100'] },
			{ replayed: false, orders: ['0×50'] },
			{ refused: 'insufficient_stock', field: 'lines.0.quantity', available: 0 }
		]);
		expect(serial.stock.map((s) => s.allocated)).toEqual([300, 200]);
		// Sent one after another, each wrote in its own transaction; sent at once, in far fewer.
		expect(serial.transactions).toBe(5);
		expect(batched.transactions).toBeLessThan(serial.transactions);
	});

	it('a refused checkout’s key is free again: the fixed request succeeds with it', async () => {
		const lot = s1[4]!;
		await setupLot(lot, { onHand: 100, moq: 50 });
		const buyer = await newBuyer();
		const req = (quantity: number) =>
			checkout(
				buyer.principal,
				{ lines: [{ lotId: lot, quantity }], shipTo: SHIP_TO, provider: 'test' },
				'same-key'
			);
		const [low, ok] = await Promise.allSettled([req(10), req(60)]);
		expect((low as PromiseRejectedResult).reason).toMatchObject({ code: 'moq' });
		expect(ok.status).toBe('fulfilled');
		expect(await counters(lot)).toMatchObject({ allocated: 60 });
	});
});
