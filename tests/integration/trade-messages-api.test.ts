// The trade messages API over HTTP (src/routes/api/v1/trade/conversations): the parties read,
// send, mark read and export; a stranger org gets 404 on every one; bad input is a 4xx naming
// the field; the export page shows every message with its hashes and a valid chain.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { makeOrder, supplierLots } from '../helpers/trade';

let app: Awaited<ReturnType<typeof startAppServer>>;
type Caller = Record<string, string>;
let buyer: Caller, supplier: Caller, stranger: Caller;
let orderId: string;

async function call(who: Caller, method: string, path: string, body?: unknown) {
	const r = await fetch(`${app.url}/api/v1/trade/conversations${path}`, {
		method,
		headers: {
			...who,
			'accept-language': 'en',
			...(body !== undefined ? { 'content-type': 'application/json' } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	const json = r.headers.get('content-type')?.includes('json');
	return {
		status: r.status,
		text,
		body: (json && text ? JSON.parse(text) : {}) as Record<string, never> & {
			error?: { code: string; field?: string };
		}
	};
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	const [s, b, x] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier3),
		demoActor(DEMO_ACCOUNTS.buyer1),
		demoActor(DEMO_ACCOUNTS.buyer2)
	]);
	const cookie = (token: string) => ({ cookie: `lotlive_session=${token}`, origin: app.url });
	[supplier, buyer, stranger] = [cookie(s.token), cookie(b.token), cookie(x.token)];
	const lot = (await supplierLots(s.actor.orgId!, 1, 10_000))[0]!;
	orderId = (
		await makeOrder({
			buyerOrgId: b.actor.orgId!,
			supplierId: s.actor.orgId!,
			createdAt: new Date(),
			lines: [{ lotId: lot.id, quantity: 10, unitPriceFen: lot.unitPriceFen }]
		})
	).id;
}, 180_000);

afterAll(async () => {
	await app?.close();
});

it('lets the parties talk, refuses a stranger with 404 everywhere, and exports a valid chain', async () => {
	const p = `/order/${orderId}`;
	const sent = await call(buyer, 'POST', `${p}/messages`, { body: '请问几号发货？' });
	expect(sent.status).toBe(201);
	const reply = await call(supplier, 'POST', `${p}/messages`, { body: '明天' });
	expect(reply.status).toBe(201);
	const list = await call(supplier, 'GET', `${p}/messages`);
	expect(list.status).toBe(200);
	expect(
		(list.body as unknown as { messages: { seq: number }[] }).messages.map((m) => m.seq)
	).toEqual([1, 2]);
	expect((await call(buyer, 'GET', `${p}/messages?after=1`)).status).toBe(200);
	const unread = await call(supplier, 'GET', '/unread');
	expect(unread.status).toBe(200);
	expect((await call(supplier, 'POST', `${p}/read`, { seq: 2 })).body).toMatchObject({
		readSeq: 2
	});

	for (const [method, path, body] of [
		['GET', `${p}/messages`, undefined],
		['POST', `${p}/messages`, { body: 'x' }],
		['POST', `${p}/read`, { seq: 1 }],
		['GET', `${p}/export`, undefined],
		['GET', `/order/${crypto.randomUUID()}/messages`, undefined],
		['GET', `/nope/${orderId}/messages`, undefined]
	] as const) {
		const r = await call(stranger, method, path, body);
		expect([method, path, r.status]).toEqual([method, path, 404]);
	}

	const empty = await call(buyer, 'POST', `${p}/messages`, { body: '' });
	expect([empty.status, empty.body.error?.field]).toEqual([400, 'body']);
	const badAfter = await call(buyer, 'GET', `${p}/messages?after=-1`);
	expect([badAfter.status, badAfter.body.error?.field]).toEqual([400, 'after']);
	const badRead = await call(buyer, 'POST', `${p}/read`, { seq: 'x' });
	expect([badRead.status, badRead.body.error?.field]).toEqual([400, 'seq']);
	const notJson = await fetch(`${app.url}/api/v1/trade/conversations${p}/messages`, {
		method: 'POST',
		headers: { ...buyer, 'content-type': 'application/json' },
		body: '{'
	});
	expect(notJson.status).toBe(400);

	const ex = await call(supplier, 'GET', `${p}/export`);
	expect(ex.status).toBe(200);
	expect(ex.text).toContain('data-chain="ok"');
	expect(ex.text).toContain('请问几号发货？');
	expect(ex.text).toContain((sent.body as unknown as { message: { hash: string } }).message.hash);
	expect((await call(buyer, 'GET', `${p}/messages`)).body).toMatchObject({
		conversation: { lastSeq: 2 }
	});
});
