import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { DrizzleQueryError } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/lib/server/auth/service';
import { forgetCachedSessions } from '../../src/lib/server/auth/session';
import { dbHandle, openDatabase, setDbHandle, type DbHandle } from '../../src/lib/server/db';
import { AppError, isDatabaseUnavailable } from '../../src/lib/server/errors';
import { errorPayload } from '../../src/lib/server/http';
import { attach, shutdown } from '../../src/lib/server/runtime';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';

// While Postgres restarts, requests must be answered 503 + Retry-After (retry later), never 500
// (a bug) nor 4xx (the caller's fault). The three-node drill (tests/cluster) restarts a real
// Postgres; this is the cheap check of the mapping on every kind of connection failure.

/** A port on which nothing listens: bound, then closed again. */
async function deadPort(): Promise<number> {
	const s = net.createServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
	const port = (s.address() as AddressInfo).port;
	await new Promise((r) => s.close(r));
	return port;
}

describe('which errors mean "database unavailable"', () => {
	it('recognises connection failures from every driver, wrapped or not', async () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
			code: 'ECONNREFUSED'
		});
		const cases: unknown[] = [
			refused,
			new DrizzleQueryError('select 1', [], refused),
			new AggregateError([refused], 'all addresses failed'),
			Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }),
			Object.assign(new Error('terminating connection due to administrator command'), {
				code: '57P01'
			}),
			Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
			Object.assign(new Error('connection failure'), { code: '08006' }),
			new Error('Connection terminated unexpectedly')
		];
		for (const e of cases) expect(isDatabaseUnavailable(e), String(e)).toBe(true);
		const notOutages: unknown[] = [
			Object.assign(new Error('duplicate key'), { code: '23505' }),
			Object.assign(new Error('check violation'), { code: '23514' }),
			new Error('boom'),
			new AppError('invalid', 'invalid_input', 'bad', { field: 'quantity' }),
			null,
			'ECONNREFUSED'
		];
		for (const e of notOutages) expect(isDatabaseUnavailable(e), String(e)).toBe(false);
	});

	it('errorPayload answers 503 `unavailable` with Retry-After, and 500 for anything else', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		const p = errorPayload(new DrizzleQueryError('select 1', [], refused), 'zh-CN');
		expect(p.status).toBe(503);
		expect(Number(p.headers?.['retry-after'])).toBeGreaterThan(0);
		expect(p.body).toMatchObject({
			error: { code: 'unavailable', retryAfter: expect.any(Number) }
		});
		expect((p.body as { error: { message: string } }).error.message).toMatch(/数据库/);
		expect(errorPayload(new Error('boom'), 'en').status).toBe(500);
	});

	it('a real postgres.js pool that was ended or cannot connect fails with a recognised error', async () => {
		const port = await deadPort();
		const dead = postgres(`postgres://postgres@127.0.0.1:${port}/x`, {
			max: 1,
			connect_timeout: 2,
			onnotice: () => {}
		});
		const refused = await dead`select 1`.then(
			() => null,
			(e: unknown) => e
		);
		expect(isDatabaseUnavailable(refused)).toBe(true);
		await dead.end();
		const ended = await dead`select 1`.then(
			() => null,
			(e: unknown) => e
		);
		expect(isDatabaseUnavailable(ended)).toBe(true);
	});
});

describe('the hot API path while the database is unreachable', () => {
	let url: string;
	let server: http.Server;
	let token: string;
	let live: DbHandle;
	let dead: DbHandle;

	beforeAll(async () => {
		await seedDemoIfEmpty();
		const host = await demoActor(DEMO_ACCOUNTS.host);
		token = (await createApiToken(host.actor, { name: 'webhook' })).token;
		server = http.createServer((req, res) => {
			const api = attached.handleApi(req, res);
			if (api === false) return void res.writeHead(599).end();
			void api.then((handled) => !handled && res.writeHead(599).end());
		});
		const attached = attach(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		live = dbHandle();
		dead = openDatabase({
			databaseUrl: `postgres://postgres@127.0.0.1:${await deadPort()}/lotlive`,
			poolMax: 2
		});
	});
	afterAll(async () => {
		setDbHandle(live);
		await dead.close().catch(() => {});
		const closed = new Promise((r) => server.close(r));
		await shutdown();
		server.closeAllConnections();
		await closed;
	});

	async function postOrder() {
		const r = await fetch(`${url}/api/v1/orders`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				authorization: `Bearer ${token}`,
				'accept-language': 'en'
			},
			body: JSON.stringify({ externalId: 'X1', showId: crypto.randomUUID(), lines: [] })
		});
		return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
	}

	it('answers 503 + Retry-After (the token lookup fails), then works again once it is back', async () => {
		forgetCachedSessions();
		setDbHandle(dead);
		try {
			const r = await postOrder();
			expect(r.status).toBe(503);
			expect(Number(r.retryAfter)).toBeGreaterThan(0);
			expect(r.body).toMatchObject({ error: { code: 'unavailable' } });
		} finally {
			setDbHandle(live);
		}
		// database back: the same request is judged on its merits again (bad input → 400)
		const again = await postOrder();
		expect(again.status).toBe(400);
		expect(again.body).toMatchObject({ error: { code: 'invalid_input' } });
	});

	it('answers 503 when the database goes away after the caller was authenticated', async () => {
		// the token is now in this process's session cache: the service call itself fails
		expect((await postOrder()).status).toBe(400);
		setDbHandle(dead);
		try {
			const r = await fetch(`${url}/api/v1/shows/${crypto.randomUUID()}/locks`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
				body: JSON.stringify({ lotId: crypto.randomUUID(), quantity: 1 })
			});
			expect(r.status).toBe(503);
			expect(r.headers.get('retry-after')).not.toBeNull();
		} finally {
			setDbHandle(live);
		}
	});
});
