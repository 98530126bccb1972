import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, forgetCachedSessions } from '../../src/lib/server/auth/session';
import { createApiToken } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { lots, sessions, stockLocks } from '../../src/lib/server/db/schema';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { attach, shutdown } from '../../src/lib/server/runtime';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';
import { makeUser } from '../helpers/users';
import { setupLot } from '../helpers/trade-checkout';

// The production server's lean path for the hot endpoints: it must answer exactly what the
// SvelteKit routes answer, and hand everything it does not fully handle to SvelteKit untouched.
// Here the "SvelteKit" fallback answers 599 with the body it received, to prove it was unread.
let url: string;
let server: http.Server;
let host: Awaited<ReturnType<typeof demoActor>>;
let showId: string;
let lotId: string;
let token: string;

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	lotId = (await stockedLots(1, 20))[0]!;
	showId = (await createShow(host.actor, { title: '快速通道', slots: [{ lotId: lotId! }] })).id;
	await transitionShow(host.actor, showId, { status: 'live' });
	token = (await createApiToken(host.actor, { name: 'webhook' })).token;
	server = http.createServer((req, res) => {
		if (attached.handleRequest(req, res)) return;
		const api = attached.handleApi(req, res);
		const fallback = () => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => res.writeHead(599).end(Buffer.concat(chunks)));
		};
		if (api === false) return fallback();
		void api.then((handled) => !handled && fallback());
	});
	const attached = attach(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	const closed = new Promise((r) => server.close(r));
	await shutdown();
	server.closeAllConnections();
	await closed;
});

async function post(path: string, body: string, headers: Record<string, string>) {
	const r = await fetch(url + path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body
	});
	return { status: r.status, text: await r.text() };
}
const cookie = () => ({ cookie: `${SESSION_COOKIE}=${host.token}; lotlive_locale=zh-CN` });

describe('hot API path', () => {
	it('locks stock for the show’s team: 201 with the lock and the lot’s counters', async () => {
		const r = await post(
			`/api/v1/shows/${showId}/locks`,
			JSON.stringify({ lotId, quantity: 5 }),
			cookie()
		);
		expect(r.status).toBe(201);
		const body = JSON.parse(r.text);
		expect(body.lock).toMatchObject({ showId, lotId, quantity: 5, status: 'active' });
		const [held] = await db().select().from(stockLocks).where(eq(stockLocks.id, body.lock.id));
		expect(held?.quantity).toBe(5);
	});

	it('answers the services’ errors with their status, field and the caller’s locale, writing nothing', async () => {
		const before = (await db().select().from(lots).where(eq(lots.id, lotId!)))[0]!;
		const zero = await post(
			`/api/v1/shows/${showId}/locks`,
			JSON.stringify({ lotId, quantity: 0 }),
			cookie()
		);
		expect(zero.status).toBe(400);
		expect(JSON.parse(zero.text).error).toMatchObject({ code: 'invalid_input', field: 'quantity' });
		const bad = await post(`/api/v1/shows/${showId}/locks`, '{"lotId":', cookie());
		expect(bad.status).toBe(400);
		expect(JSON.parse(bad.text).error).toMatchObject({ field: 'body' });
		const tooMany = await post(
			`/api/v1/shows/${showId}/locks`,
			JSON.stringify({ lotId, quantity: 1000 }),
			cookie()
		);
		expect(tooMany.status).toBe(409);
		expect(JSON.parse(tooMany.text).error).toMatchObject({
			code: 'insufficient_stock',
			available: 15
		});
		// Another host team may not touch this show.
		const other = await makeUser('host');
		const forbidden = await post(
			`/api/v1/shows/${showId}/locks`,
			JSON.stringify({ lotId, quantity: 1 }),
			{ cookie: `${SESSION_COOKIE}=${other.token}` }
		);
		expect(forbidden.status).toBe(403);
		const after = (await db().select().from(lots).where(eq(lots.id, lotId!)))[0]!;
		expect(after.locked).toBe(before.locked);
	});

	it('places a webhook order with an API token, and a repeat returns the same order (200)', async () => {
		const order = {
			externalId: 'HOT-1',
			showId,
			lines: [{ lotId, quantity: 2, unitPrice: 2990 }],
			shipTo: {
				name: '王小明',
				phone: '13800138000',
				province: '山东省',
				city: '济南市',
				district: '历下区',
				address: '泉城路 1 号'
			},
			paidAt: new Date().toISOString()
		};
		const auth = { authorization: `Bearer ${token}` };
		const first = await post('/api/v1/orders', JSON.stringify(order), auth);
		expect(first.status).toBe(201);
		const again = await post('/api/v1/orders', JSON.stringify(order), auth);
		expect(again.status).toBe(200);
		expect(JSON.parse(again.text).order.id).toBe(JSON.parse(first.text).order.id);
	});

	it('checks a buyer out (201), replays the Idempotency-Key (200), 400 without one, 409 short', async () => {
		const tradeLot = (await stockedLots(2, 20))[1]!;
		await setupLot(tradeLot, { onHand: 100, moq: 10 });
		const buyer = await makeUser('buyer');
		const headers = { cookie: `${SESSION_COOKIE}=${buyer.token}; lotlive_locale=en` };
		const body = (quantity: number) =>
			JSON.stringify({
				lines: [{ lotId: tradeLot, quantity }],
				shipTo: {
					name: '陈老板',
					phone: '13800200001',
					province: '广东省',
					city: '广州市',
					district: '越秀区',
					address: '站南路 16 号'
				},
				provider: 'test'
			});
		const path = '/api/v1/trade/orders';
		const first = await post(path, body(60), { ...headers, 'idempotency-key': 'hot-1' });
		expect(first.status).toBe(201);
		const made = JSON.parse(first.text);
		expect(made.replayed).toBe(false);
		expect(made.orders[0].lines[0]).toMatchObject({ lotId: tradeLot, quantity: 60 });
		const again = await post(path, body(60), { ...headers, 'idempotency-key': 'hot-1' });
		expect(again.status).toBe(200);
		expect(JSON.parse(again.text)).toMatchObject({ checkoutId: made.checkoutId, replayed: true });
		const noKey = await post(path, body(60), headers);
		expect(noKey.status).toBe(400);
		expect(JSON.parse(noKey.text).error.field).toBe('Idempotency-Key');
		const short = await post(path, body(70), { ...headers, 'idempotency-key': 'hot-2' });
		expect(short.status).toBe(409);
		expect(JSON.parse(short.text).error).toMatchObject({
			code: 'insufficient_stock',
			field: 'lines.0.quantity'
		});
		const [held] = await db().select().from(lots).where(eq(lots.id, tradeLot));
		expect(held?.allocated).toBe(60);
	});

	it('re-sends the session cookie when the session’s expiry slides forward', async () => {
		const u = await makeUser('host');
		// Due for renewal: within the policy's renewal window.
		await db()
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() + 24 * 3600 * 1000) })
			.where(eq(sessions.userId, u.userId));
		forgetCachedSessions();
		const r = await fetch(`${url}/api/v1/shows/${showId}/locks`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${u.token}` },
			body: JSON.stringify({ lotId, quantity: 1 })
		});
		// Another team's show: 403, but the cookie is renewed all the same.
		expect(r.status).toBe(403);
		const setCookie = r.headers.get('set-cookie') ?? '';
		expect(setCookie).toContain(`${SESSION_COOKIE}=${u.token}`);
		expect(setCookie).toMatch(/HttpOnly/);
		expect(setCookie).toMatch(/SameSite=Lax/);
		const [row] = await db().select().from(sessions).where(eq(sessions.userId, u.userId));
		expect(setCookie).toContain(row!.expiresAt.toUTCString());
		expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 20 * 24 * 3600 * 1000);
	});

	it('leaves to SvelteKit, unread: no caller, another content type, other paths and methods', async () => {
		const body = JSON.stringify({ lotId, quantity: 1 });
		const anon = await post(`/api/v1/shows/${showId}/locks`, body, {});
		expect(anon).toEqual({ status: 599, text: body });
		const form = await fetch(`${url}/api/v1/shows/${showId}/locks`, {
			method: 'POST',
			headers: { 'content-type': 'text/plain', ...cookie() },
			body
		});
		expect([form.status, await form.text()]).toEqual([599, body]);
		const other = await post('/api/v1/lots', body, cookie());
		expect(other).toEqual({ status: 599, text: body });
		const forged = await post(`/api/v1/shows/${showId}/locks`, body, {
			cookie: `${SESSION_COOKIE}=forged`
		});
		expect(forged.status).toBe(599);
	});

	it('refuses a cross-site call with the cookie: 403 csrf, nothing locked; same-origin works', async () => {
		const body = JSON.stringify({ lotId, quantity: 3 });
		const locksBefore = await db().select().from(stockLocks).where(eq(stockLocks.lotId, lotId));
		const cross = await post(`/api/v1/shows/${showId}/locks`, body, {
			...cookie(),
			origin: 'http://evil.example'
		});
		expect(cross.status).toBe(403);
		expect(JSON.parse(cross.text).error).toMatchObject({ code: 'csrf', field: 'origin' });
		expect(JSON.parse(cross.text).error.message).toContain('http://evil.example');
		const locksAfter = await db().select().from(stockLocks).where(eq(stockLocks.lotId, lotId));
		expect(locksAfter.length).toBe(locksBefore.length);
		// the request's own origin (Host over http) is accepted
		const same = await post(`/api/v1/shows/${showId}/locks`, body, {
			...cookie(),
			origin: url
		});
		expect(same.status).toBe(201);
	});

	it('takes the media type exactly: text/plain; charset=application/json goes to SvelteKit', async () => {
		const body = JSON.stringify({ lotId, quantity: 1 });
		for (const type of ['text/plain; charset=application/json', 'application/jsonx']) {
			const r = await post(`/api/v1/shows/${showId}/locks`, body, {
				...cookie(),
				'content-type': type,
				origin: 'http://evil.example'
			});
			expect(r).toEqual({ status: 599, text: body });
		}
		const withCharset = await post(`/api/v1/shows/${showId}/locks`, body, {
			...cookie(),
			'content-type': 'application/json; charset=utf-8'
		});
		expect(withCharset.status).toBe(201);
	});

	it('keeps webhooks with a Bearer token and no cookie working, whatever Origin they send', async () => {
		const r = await post(
			'/api/v1/orders',
			JSON.stringify({
				externalId: 'CSRF-WEBHOOK-1',
				showId,
				lines: [{ lotId, quantity: 1, unitPrice: 3500 }],
				shipTo: {
					name: '李娜',
					phone: '13805310001',
					province: '山东省',
					city: '济南市',
					district: '历下区',
					address: '泉城路 188 号'
				},
				paidAt: new Date().toISOString()
			}),
			{ authorization: `Bearer ${token}`, origin: 'http://evil.example' }
		);
		expect(r.status).toBe(201);
	});
});
