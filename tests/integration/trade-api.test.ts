// The wholesale trade over /api/v1/trade (the routes, their headers and status codes, on the real
// services and Postgres): cart, checkout with the Idempotency-Key header (201, replay 200, another
// request 409, missing 400), refusals naming their fields (422 lines.<n>.quantity with moq, 409
// available), nothing written on a refusal, every step of an order by the right side, someone
// else's order 404, a bank transfer confirmed by an operator, and a buyer's API token.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApiToken } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { freightRates } from '../../src/lib/server/db/schema';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { apiSignIn } from '../helpers/processes';
import {
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO,
	tradeRowCounts
} from '../helpers/trade-checkout';

let app: Awaited<ReturnType<typeof startAppServer>>;
type Caller = Record<string, string>;
let buyer: Caller, otherBuyer: Caller, supplier1: Caller, supplier2: Caller, operator: Caller;
let buyerUser: Awaited<ReturnType<typeof newBuyer>>;
let s1: string[];

async function call(
	who: Caller,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {}
): Promise<{
	status: number;
	body: Record<string, unknown> & { error?: Record<string, unknown> };
}> {
	const r = await fetch(`${app.url}/api/v1/trade${path}`, {
		method,
		headers: {
			...who,
			'accept-language': 'en',
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
			...headers
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	return { status: r.status, body: text ? (JSON.parse(text) as never) : ({} as never) };
}

const session = async (email: string): Promise<Caller> => ({
	cookie: await apiSignIn(app.url, email),
	origin: app.url
});
const key = () => `k-${Math.random().toString(36).slice(2)}`;
type Order = { id: string; state: string; payment: { intentId: string } | null; actions: string[] };

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	s1 = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 4);
	for (const id of s1) await setupLot(id, { moq: 50, onHand: 1000, terms: { step: 10 } });
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 0, partnerPerPieceFen: 300 });
	buyerUser = await newBuyer();
	buyer = { cookie: `lotlive_session=${buyerUser.token}`, origin: app.url };
	const other = await newBuyer();
	otherBuyer = { cookie: `lotlive_session=${other.token}`, origin: app.url };
	supplier1 = await session(DEMO_ACCOUNTS.supplier1);
	supplier2 = await session(DEMO_ACCOUNTS.supplier2);
	operator = await session(DEMO_ACCOUNTS.operator);
}, 180_000);
afterAll(() => app?.close());

async function checkoutOne(provider: 'test' | 'bank_transfer' = 'test', quantity = 60) {
	const r = await call(
		buyer,
		'POST',
		'/orders',
		{ lines: [{ lotId: s1[0], quantity }], shipTo: SHIP_TO, provider },
		{ 'idempotency-key': key() }
	);
	expect(r.status, JSON.stringify(r.body)).toBe(201);
	return (r.body.orders as Order[])[0]!;
}

describe('/api/v1/trade cart', () => {
	it('puts, reads and removes lines (both DELETE forms)', async () => {
		const put = await call(buyer, 'PUT', '/cart', { lotId: s1[1], quantity: 60 });
		expect(put.status, JSON.stringify(put.body)).toBe(200);
		const cart = put.body.cart as { lines: { lotId: string; quantity: number }[] };
		expect(cart.lines.map((l) => [l.lotId, l.quantity])).toEqual([[s1[1], 60]]);
		await call(buyer, 'PUT', '/cart', { lotId: s1[2], quantity: 70 });
		const got = await call(buyer, 'GET', '/cart?destProvince=' + encodeURIComponent('山东省'));
		expect(got.status).toBe(200);
		expect((got.body.cart as { lines: unknown[] }).lines).toHaveLength(2);

		const del = await call(buyer, 'DELETE', `/cart?lotId=${s1[1]}`);
		expect(del.status).toBe(200);
		const del2 = await call(buyer, 'DELETE', `/cart/lines/${s1[2]}`);
		expect((del2.body.cart as { lines: unknown[] }).lines).toEqual([]);
		// without a lot: 400 naming it; a bad query key: 400 naming it
		expect((await call(buyer, 'DELETE', '/cart')).body.error).toMatchObject({ field: 'lotId' });
		expect((await call(buyer, 'GET', '/cart?nope=1')).body.error).toMatchObject({ field: 'nope' });
	});

	it('is for buyers: a supplier gets 403, nobody 401', async () => {
		expect((await call(supplier1, 'GET', '/cart')).status).toBe(403);
		expect((await call({}, 'GET', '/cart')).status).toBe(401);
	});
});

describe('/api/v1/trade/orders checkout', () => {
	const body = (quantity: number) => ({
		lines: [{ lotId: s1[0], quantity }],
		shipTo: SHIP_TO,
		provider: 'test'
	});

	it('needs a valid Idempotency-Key header and writes nothing without one', async () => {
		const before = await tradeRowCounts();
		for (const h of [
			{},
			{ 'idempotency-key': '' },
			{ 'idempotency-key': 'x'.repeat(129) },
			{ 'idempotency-key': 'a b' }
		]) {
			const r = await call(buyer, 'POST', '/orders', body(60), h);
			expect(r.status).toBe(400);
			expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'Idempotency-Key' });
		}
		expect(await tradeRowCounts()).toEqual(before);
	});

	it('answers 201 once, 200 with the same orders on a repeat, 409 for the key with another request', async () => {
		const k = key();
		const first = await call(buyer, 'POST', '/orders', body(60), { 'idempotency-key': k });
		expect(first.status, JSON.stringify(first.body)).toBe(201);
		expect(first.body.replayed).toBe(false);
		const again = await call(buyer, 'POST', '/orders', body(60), { 'idempotency-key': k });
		expect(again.status).toBe(200);
		expect(again.body.replayed).toBe(true);
		expect((again.body.orders as Order[]).map((o) => o.id)).toEqual(
			(first.body.orders as Order[]).map((o) => o.id)
		);
		const before = await tradeRowCounts();
		const other = await call(buyer, 'POST', '/orders', body(70), { 'idempotency-key': k });
		expect(other.status).toBe(409);
		expect(await tradeRowCounts()).toEqual(before);
	});

	it('refuses below MOQ with 422 lines.0.quantity and moq, stock short with 409 available', async () => {
		const before = await tradeRowCounts();
		const low = await call(buyer, 'POST', '/orders', body(20), { 'idempotency-key': key() });
		expect(low.status).toBe(422);
		expect(low.body.error).toMatchObject({ code: 'moq', field: 'lines.0.quantity' });
		const short = await call(buyer, 'POST', '/orders', body(5000), { 'idempotency-key': key() });
		expect(short.status).toBe(409);
		expect(short.body.error).toMatchObject({ code: 'insufficient_stock' });
		expect(typeof short.body.error!.available).toBe('number');
		expect(await tradeRowCounts()).toEqual(before);
	});

	it('is for buyers only', async () => {
		const r = await call(supplier1, 'POST', '/orders', body(60), { 'idempotency-key': key() });
		expect(r.status).toBe(403);
	});
});

describe('/api/v1/trade/orders/{id} steps', () => {
	it('walks an order from payment to release, each step by its side', async () => {
		const o = await checkoutOne();
		expect(o.state).toBe('pending_payment');
		const path = `/orders/${o.id}`;

		// a supplier cannot pay, a buyer cannot accept: refused, nothing moves
		expect((await call(supplier1, 'POST', `${path}/pay`)).status).toBeGreaterThanOrEqual(400);
		const paid = await call(buyer, 'POST', `${path}/pay`);
		expect(paid.status, JSON.stringify(paid.body)).toBe(200);
		expect((paid.body.order as Order).state).toBe('paid');
		const wrong = await call(buyer, 'POST', `${path}/accept`);
		expect(wrong.status).toBe(403);
		expect(wrong.body.error).toMatchObject({ code: 'wrong_actor' });

		expect(((await call(supplier1, 'POST', `${path}/accept`)).body.order as Order).state).toBe(
			'accepted'
		);
		// a step out of order: 409 trade_state
		const early = await call(buyer, 'POST', `${path}/arrive`);
		expect(early.status).toBe(409);
		expect(early.body.error).toMatchObject({ code: 'trade_state' });
		expect(((await call(supplier1, 'POST', `${path}/pack`)).body.order as Order).state).toBe(
			'packed'
		);
		const badShip = await call(supplier1, 'POST', `${path}/ship`, { parcels: [] });
		expect(badShip.status).toBe(400);
		expect(badShip.body.error).toMatchObject({ field: 'parcels' });
		const shipped = await call(supplier1, 'POST', `${path}/ship`, {
			parcels: [{ carrier: 'SF', trackingNo: 'SF1234567890', cartons: 2 }]
		});
		expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
		expect((shipped.body.order as Order).state).toBe('shipped');

		expect(((await call(buyer, 'POST', `${path}/arrive`)).body.order as Order).state).toBe(
			'arrived'
		);
		const released = await call(buyer, 'POST', `${path}/release`);
		expect(released.status, JSON.stringify(released.body)).toBe(200);
		expect(['released', 'accepted_by_buyer']).toContain((released.body.order as Order).state);

		// the supplier and an operator see it; the list has it
		expect((await call(supplier1, 'GET', path)).status).toBe(200);
		expect((await call(operator, 'GET', path)).status).toBe(200);
		const list = await call(buyer, 'GET', '/orders?state=closed&limit=50');
		expect(list.status).toBe(200);
		expect((list.body.orders as Order[]).map((x) => x.id)).toContain(o.id);
	});

	it('hides an order from other buyers and other suppliers (404) on every route', async () => {
		const o = await checkoutOne();
		const path = `/orders/${o.id}`;
		for (const who of [otherBuyer, supplier2]) {
			const r = await call(who, 'GET', path);
			expect(r.status).toBe(404);
			expect(r.body.error).toMatchObject({ code: 'not_found' });
			for (const step of ['accept', 'pack', 'arrive', 'release', 'pay', 'cancel'])
				expect((await call(who, 'POST', `${path}/${step}`)).status, step).toBe(404);
			expect(
				(
					await call(who, 'POST', `${path}/ship`, {
						parcels: [{ carrier: 'SF', trackingNo: 'SF1234567890', cartons: 1 }]
					})
				).status
			).toBe(404);
			expect((await call(who, 'GET', '/orders')).body.orders).not.toContainEqual(
				expect.objectContaining({ id: o.id })
			);
		}
		// the buyer cancels it (unpaid): stock goes back
		const cancelled = await call(buyer, 'POST', `${path}/cancel`);
		expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
		expect((cancelled.body.order as Order).state).toBe('cancelled_unpaid');
	});

	it('validates the list query', async () => {
		for (const q of ['state=bogus', 'limit=0', 'limit=abc', 'before=yesterday', 'x=1']) {
			const r = await call(buyer, 'GET', `/orders?${q}`);
			expect(r.status, q).toBe(400);
			expect(r.body.error!.field, q).toBeTruthy();
		}
	});
});

describe('bank transfer confirmed by an operator', () => {
	it('moves the order to paid; only operators may confirm', async () => {
		const o = await checkoutOne('bank_transfer');
		expect(o.payment?.intentId).toBeTruthy();
		const path = `/payments/${o.payment!.intentId}/confirm`;
		expect((await call(buyer, 'POST', path, { reference: 'BK20261202001' })).status).toBe(403);
		expect((await call(operator, 'POST', path, { reference: '!' })).status).toBe(400);
		const r = await call(operator, 'POST', path, { reference: 'BK20261202001' });
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect((r.body.order as Order).state).toBe('paid');
	});
});

describe('a buyer organisation’s API token', () => {
	it('uses the trade API as the buyer', async () => {
		const { token } = await createApiToken(buyerUser.principal, { name: 'ERP' });
		const bearer = { authorization: `Bearer ${token}` };
		const cart = await call(bearer, 'GET', '/cart');
		expect(cart.status, JSON.stringify(cart.body)).toBe(200);
		const r = await call(
			bearer,
			'POST',
			'/orders',
			{ lines: [{ lotId: s1[3], quantity: 60 }], shipTo: SHIP_TO, provider: 'test' },
			{ 'idempotency-key': key() }
		);
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const id = (r.body.orders as Order[])[0]!.id;
		// the same organisation's people see what its token bought
		expect((await call(buyer, 'GET', `/orders/${id}`)).status).toBe(200);
	});
});
