// Issue 17.5: sign-in and token endpoints had no rate limit or lockout (25 wrong passwords in a
// row: 25 answers of 401).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, signIn, signUp } from '../../src/lib/server/auth/service';
import { db, dbHandle, execRows } from '../../src/lib/server/db';
import { resetEnvCache } from '../../src/lib/server/env';
import { AppError } from '../../src/lib/server/errors';
import { createFastLimiter } from '../../src/lib/server/ratelimit';
import { startAppServer } from '../helpers/app-server';
import { spawnNode } from '../helpers/spawn-node';
import { makeUser } from '../helpers/users';

async function caught(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
	try {
		await (typeof p === 'function' ? p() : p);
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

/** Sets rate-limit settings for this process (the env is read once and cached). */
function withEnv(vars: Record<string, string>) {
	Object.assign(process.env, vars);
	resetEnvCache();
}

describe('sign-in over HTTP', () => {
	let app: Awaited<ReturnType<typeof startAppServer>>;
	let victim: Awaited<ReturnType<typeof makeUser>>;
	let bystander: Awaited<ReturnType<typeof makeUser>>;
	beforeAll(async () => {
		app = await startAppServer();
		victim = await makeUser('buyer');
		bystander = await makeUser('buyer');
	});
	afterAll(() => app.close());

	const post = (email: string, password: string) =>
		fetch(`${app.url}/api/v1/auth/sign-in`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password })
		});

	it('25 wrong passwords: 401 up to the limit (10), then 429 with Retry-After', async () => {
		const statuses: number[] = [];
		let last: Response | undefined;
		for (let i = 0; i < 25; i++) {
			last = await post(victim.email, `wrong password ${i}`);
			statuses.push(last.status);
		}
		expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
		expect(statuses.slice(10)).toEqual(Array(15).fill(429));
		const retry = Number(last!.headers.get('retry-after'));
		expect(retry).toBeGreaterThan(0);
		expect(retry).toBeLessThanOrEqual(2 * 900);
		const body = (await last!.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe('rate_limited');
		expect(body.error.message).toMatch(/Too many failed sign-ins/);
		// the right password does not get through a lockout either
		expect((await post(victim.email, victim.password)).status).toBe(429);
		// another account is not affected
		expect((await post(bystander.email, bystander.password)).status).toBe(200);
	});

	it('shows the lockout on the sign-in page as a translated message', async () => {
		const email = 'locked-page@example.cn';
		for (let i = 0; i < 10; i++) expect((await post(email, 'wrong wrong')).status).toBe(401);
		const r = await fetch(`${app.url}/sign-in`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: app.url,
				accept: 'text/html',
				'accept-language': 'zh-CN'
			},
			body: new URLSearchParams({ email, password: 'wrong again', next: '' })
		});
		expect(r.status).toBe(429);
		expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await r.text()).toContain('登录失败次数过多');
	});

	it('a success clears the account’s failures', async () => {
		const u = await makeUser('host');
		for (let i = 0; i < 9; i++) expect((await post(u.email, 'nope nope')).status).toBe(401);
		expect((await post(u.email, u.password)).status).toBe(200);
		for (let i = 0; i < 9; i++) expect((await post(u.email, 'nope nope')).status).toBe(401);
		expect((await post(u.email, u.password)).status).toBe(200);
	});
});

describe('the limits in the services', () => {
	afterAll(() =>
		withEnv({
			RATE_LIMIT_SIGNIN_IP: '100',
			RATE_LIMIT_SIGNUP_IP: '30',
			RATE_LIMIT_TOKEN_ACCOUNT: '30'
		})
	);

	it('locks out an address that tries many accounts, counting unknown emails too', async () => {
		withEnv({ RATE_LIMIT_SIGNIN_IP: '5' });
		const ip = '203.0.113.7';
		for (let i = 0; i < 5; i++) {
			const e = await caught(
				signIn({ email: `nobody${i}@x.cn`, password: 'whatever1' }, undefined, { ip })
			);
			expect(e.status).toBe(401);
		}
		const e = await caught(
			signIn({ email: 'someone-else@x.cn', password: 'whatever1' }, undefined, { ip })
		);
		expect(e.status).toBe(429);
		expect(e.code).toBe('rate_limited');
		expect(e.details?.retryAfter).toBeGreaterThan(0);
		// another address is not locked out
		const other = await caught(
			signIn({ email: 'someone-else@x.cn', password: 'whatever1' }, undefined, {
				ip: '203.0.113.8'
			})
		);
		expect(other.status).toBe(401);
	});

	it('limits sign-ups and token creation per address and per person', async () => {
		withEnv({ RATE_LIMIT_SIGNUP_IP: '2', RATE_LIMIT_TOKEN_ACCOUNT: '2' });
		const ip = '198.51.100.4';
		const base = { password: 'long enough', displayName: '甲', orgName: '乙', role: 'buyer' };
		await signUp({ ...base, email: 'a1@limit.cn' }, { ip });
		await signUp({ ...base, email: 'a2@limit.cn' }, { ip });
		const e = await caught(signUp({ ...base, email: 'a3@limit.cn' }, { ip }));
		expect(e.status).toBe(429);
		const count = await execRows<{ n: number }>(
			sql`select count(*)::int as n from users where email like '%@limit.cn'`
		);
		expect(Number(count[0]!.n)).toBe(2);

		const host = await makeUser('host');
		await createApiToken(host.principal, { name: 't1' });
		await createApiToken(host.principal, { name: 't2' });
		expect((await caught(createApiToken(host.principal, { name: 't3' }))).status).toBe(429);
	});

	it('the webhook limiter counts in memory and shares its counts through the database', async () => {
		const rule = () => ({ name: `webhook-test-${Date.now()}`, limit: 5, windowMs: 60_000 });
		const r = rule();
		const nodeA = createFastLimiter(() => r, 60_000);
		const nodeB = createFastLimiter(() => r, 60_000);
		try {
			for (let i = 0; i < 3; i++) nodeA.hit('token-1');
			await nodeA.flush();
			nodeB.hit('token-1'); // B knows only its own call until it syncs
			await nodeB.flush(); // adds its call, reads everyone's: 4
			nodeB.hit('token-1');
			const e = await caught(() => nodeB.hit('token-1'));
			expect(e.status).toBe(429);
			expect(e.details?.retryAfter).toBeGreaterThan(0);
			// other tokens have their own budget
			nodeB.hit('token-2');
			const rows = await execRows<{ count: number }>(
				sql`select count from rate_limit_counters where key = ${`${r.name}:token-1`}`
			);
			expect(rows.map((x) => Number(x.count))).toEqual([4]);
		} finally {
			nodeA.stop();
			nodeB.stop();
		}
	});
});

// Real processes need a real Postgres server (PGlite is embedded in one process).
if (dbHandle().kind === 'postgres') {
	describe('two server processes on one Postgres database', () => {
		it('share the sign-in lockout: failures on either count for both', async () => {
			const u = await makeUser('supplier_staff');
			const env = { DATABASE_URL: dbHandle().url! };
			const [a, b] = await Promise.all([
				spawnNode(env, 0, 'tests/helpers/guard-node.ts'),
				spawnNode(env, 0, 'tests/helpers/guard-node.ts')
			]);
			try {
				const attempt = (node: { url: string }, password: string) =>
					fetch(`${node.url}/__node/sign-in`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ email: u.email, password, ip: '192.0.2.1' })
					});
				const statuses: number[] = [];
				for (let i = 0; i < 12; i++) {
					statuses.push((await attempt(i % 2 ? b : a, `wrong ${i}`)).status);
				}
				expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
				const r = await attempt(a, u.password);
				expect(r.status).toBe(429);
				expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
				expect((await attempt(b, u.password)).status).toBe(429);
			} finally {
				await Promise.all([a.stop(), b.stop()]);
			}
			await db().execute(sql`select 1`);
		});
	});
}
