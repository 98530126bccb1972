// Samples over /api/v1/trade/samples (issue 19): the routes on the real services and Postgres,
// status codes and fields (201, 422 with the field, 400, 404 for someone else's, 403), the whole
// path by the right sides, and the paths in openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { tradeLotTerms } from '../../src/lib/server/db/schema';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { apiSignIn } from '../helpers/processes';
import { lotsOfSupplier, newBuyer, setupLot, SHIP_TO } from '../helpers/trade-checkout';

let app: Awaited<ReturnType<typeof startAppServer>>;
type Caller = Record<string, string>;
let buyer: Caller, otherBuyer: Caller, supplier1: Caller, supplier2: Caller, operator: Caller;
let lotIds: string[];

async function call(who: Caller, method: string, path: string, body?: unknown) {
	const r = await fetch(`${app.url}/api/v1/trade${path}`, {
		method,
		headers: {
			...who,
			'accept-language': 'en',
			...(body !== undefined ? { 'content-type': 'application/json' } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	return {
		status: r.status,
		body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & {
			error?: Record<string, unknown>;
			sample?: { id: string; state: string; tags: { number: string }[]; sealed: unknown };
		}
	};
}

const session = async (email: string): Promise<Caller> => ({
	cookie: await apiSignIn(app.url, email),
	origin: app.url
});

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 3);
	for (const id of lotIds) {
		await setupLot(id, { moq: 500, onHand: 5000, terms: {} });
		await db()
			.update(tradeLotTerms)
			.set({ samplesEnabled: id !== lotIds[2], samplePriceFen: 5000, samplePiecesMax: 5 })
			.where(eq(tradeLotTerms.lotId, id));
	}
	const b = await newBuyer();
	buyer = { cookie: `lotlive_session=${b.token}`, origin: app.url };
	const o = await newBuyer();
	otherBuyer = { cookie: `lotlive_session=${o.token}`, origin: app.url };
	supplier1 = await session(DEMO_ACCOUNTS.supplier1);
	supplier2 = await session(DEMO_ACCOUNTS.supplier2);
	operator = await session(DEMO_ACCOUNTS.operator);
}, 180_000);
afterAll(async () => {
	await app?.close();
});

describe('/api/v1/trade/samples', () => {
	it('refuses bad requests with the field and the right status', async () => {
		const off = await call(buyer, 'POST', '/samples', {
			lotId: lotIds[2],
			pieces: 3,
			shipTo: SHIP_TO
		});
		expect([off.status, off.body.error?.code, off.body.error?.field]).toEqual([
			422,
			'samples_disabled',
			'lotId'
		]);
		const many = await call(buyer, 'POST', '/samples', {
			lotId: lotIds[1],
			pieces: 9,
			shipTo: SHIP_TO
		});
		expect([many.status, many.body.error?.field]).toEqual([422, 'pieces']);
		expect(String(many.body.error?.message)).toContain('3–5');
		const bad = await call(buyer, 'POST', '/samples', { lotId: 'x', pieces: 3, shipTo: SHIP_TO });
		expect([bad.status, bad.body.error?.field]).toEqual([400, 'lotId']);
		const extra = await call(buyer, 'POST', '/samples', {
			lotId: lotIds[1],
			pieces: 3,
			shipTo: SHIP_TO,
			sneaky: 1
		});
		expect(extra.status).toBe(400);
		const bySupplier = await call(supplier1, 'POST', '/samples', {
			lotId: lotIds[1],
			pieces: 3,
			shipTo: SHIP_TO
		});
		expect(bySupplier.status).toBe(403);
		// A malformed id is bad input; an unknown one is not found.
		expect((await call(buyer, 'GET', '/samples/not-a-uuid')).status).toBe(400);
		expect((await call(buyer, 'GET', '/samples/00000000-0000-4000-8000-000000000000')).status).toBe(
			404
		);
	});

	it('runs the path over HTTP, each step by its side', async () => {
		const made = await call(buyer, 'POST', '/samples', {
			lotId: lotIds[0],
			pieces: 3,
			shipTo: SHIP_TO
		});
		expect(made.status, JSON.stringify(made.body)).toBe(201);
		const id = made.body.sample!.id;
		const second = await call(buyer, 'POST', '/samples', {
			lotId: lotIds[0],
			pieces: 3,
			shipTo: SHIP_TO
		});
		expect([second.status, second.body.error?.code, second.body.error?.field]).toEqual([
			422,
			'open_request',
			'lotId'
		]);
		expect((await call(otherBuyer, 'GET', `/samples/${id}`)).status).toBe(404);
		expect((await call(supplier2, 'POST', `/samples/${id}/tags`)).status).toBe(404);
		expect((await call(buyer, 'POST', `/samples/${id}/pay`)).status).toBe(403);
		expect((await call(operator, 'POST', `/samples/${id}/pay`)).body.sample!.state).toBe('paid');
		const untagged = await call(supplier1, 'POST', `/samples/${id}/ship`, {
			carrier: '顺丰',
			trackingNo: 'SF9'
		});
		expect([untagged.status, untagged.body.error?.field]).toEqual([422, 'tags']);
		const tags = await call(supplier1, 'POST', `/samples/${id}/tags`);
		expect(tags.body.sample!.tags).toHaveLength(3);
		const badShip = await call(supplier1, 'POST', `/samples/${id}/ship`, { carrier: '' });
		expect(badShip.status).toBe(400);
		expect(
			(await call(supplier1, 'POST', `/samples/${id}/ship`, { carrier: '顺丰', trackingNo: 'SF9' }))
				.body.sample!.state
		).toBe('shipped');
		expect((await call(supplier1, 'POST', `/samples/${id}/deliver`)).status).toBe(403);
		expect((await call(buyer, 'POST', `/samples/${id}/deliver`)).body.sample!.state).toBe(
			'delivered'
		);
		const badReview = await call(buyer, 'POST', `/samples/${id}/review`, { decision: 'maybe' });
		expect(badReview.status).toBe(400);
		const ok = await call(buyer, 'POST', `/samples/${id}/review`, { decision: 'approve' });
		expect(ok.body.sample!.state).toBe('approved');
		expect(ok.body.sample!.sealed).toMatchObject({
			tags: tags.body.sample!.tags.map((t) => t.number)
		});
		const list = await call(supplier1, 'GET', '/samples');
		expect((list.body.samples as { id: string }[]).some((s) => s.id === id)).toBe(true);
		const others = await call(otherBuyer, 'GET', '/samples');
		expect(others.body.samples).toEqual([]);
	});

	it('documents the sample paths in openapi.json', async () => {
		const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as {
			paths: Record<string, Record<string, unknown>>;
			components: { schemas: Record<string, unknown> };
		};
		for (const p of [
			'/api/v1/trade/samples',
			'/api/v1/trade/samples/{id}',
			'/api/v1/trade/samples/{id}/pay',
			'/api/v1/trade/samples/{id}/tags',
			'/api/v1/trade/samples/{id}/ship',
			'/api/v1/trade/samples/{id}/deliver',
			'/api/v1/trade/samples/{id}/review'
		]) {
			expect(doc.paths[p], p).toBeDefined();
		}
		expect(doc.components.schemas.TradeSampleRequest).toBeDefined();
	});
});
