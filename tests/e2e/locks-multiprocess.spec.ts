// Stock locks across two server processes on one Postgres database, and across restarts.
// Needs Postgres (the embedded PGlite is single-process by nature): CI sets DATABASE_URL.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { io as connect } from 'socket.io-client';
import { freshDatabase } from '../helpers/database';
import { apiSignIn, startServerProcess, type ServerProcess } from '../helpers/processes';

const pgUrl = process.env.LOTLIVE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
// Extra servers get ports derived from E2E_PORT so parallel e2e runs never collide.
const portBase = 20_000 + (Number(process.env.E2E_PORT ?? 4173) - 4173) * 10;

test.describe('locks on two processes', () => {
	test.skip(!pgUrl, 'needs Postgres (set DATABASE_URL); PGlite runs in one process only');
	test.describe.configure({ timeout: 120_000 });

	let db: Awaited<ReturnType<typeof freshDatabase>>;
	let sql: postgres.Sql;
	let a: ServerProcess;
	let b: ServerProcess;

	test.beforeAll(async () => {
		// two servers migrating and seeding at once: well over 30 s on a busy 2-core machine
		test.setTimeout(120_000);
		process.env.LOTLIVE_TEST_DATABASE_URL = pgUrl;
		db = await freshDatabase('e2e_mp');
		const env = { DATABASE_URL: db.env.DATABASE_URL, SEED_DEMO: 'true', PGLITE_DIR: undefined };
		[a, b] = await Promise.all([
			startServerProcess(portBase + 1, env),
			startServerProcess(portBase + 2, env)
		]);
		sql = postgres(db.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
	});

	test.afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		await sql?.end();
		await db?.drop();
	});

	async function showWithLot(cookie: string, onHand: number) {
		const [lot] = await sql`select id from lots where dropship_allowed and status = 'active'
			and id not in (select lot_id from show_slots) order by seq limit 1`;
		await sql`update lots set on_hand = ${onHand}, locked = 0, allocated = 0 where id = ${lot!.id}`;
		const r = await fetch(`${a.url}/api/v1/shows`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({ title: '双节点专场', slots: [{ lotId: lot!.id }] })
		});
		expect(r.status).toBe(201);
		return { lotId: lot!.id as string, showId: ((await r.json()) as { id: string }).id };
	}

	test('200 parallel 1-unit locks split over two processes: exactly 100 granted, counters exact, watchers on the other node see it', async () => {
		const cookie = await apiSignIn(a.url, 'assistant1@demo.lotlive.cn');
		const { lotId, showId } = await showWithLot(cookie, 100);

		// a watcher connected to node B must see changes made through node A
		const watcher = connect(b.url, {
			transports: ['websocket'],
			extraHeaders: { cookie },
			reconnection: false
		});
		await new Promise((r) => watcher.on('HelloV1', r));
		const snap = await watcher.timeout(5000).emitWithAck('ShowWatchV1', { showId });
		expect(snap.ok).toBe(true);
		let lastLocked = 0;
		watcher.on(
			'ShowStockChangedV1',
			(p: { lockedInShow: number }) => (lastLocked = Math.max(lastLocked, p.lockedInShow))
		);

		const results = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				fetch(`${(i % 2 ? a : b).url}/api/v1/shows/${showId}/locks`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', cookie },
					body: JSON.stringify({ lotId, quantity: 1 })
				}).then(async (r) => ({
					status: r.status,
					body: (await r.json()) as { error?: { code: string; available: number } }
				}))
			)
		);
		expect(results.filter((r) => r.status === 201)).toHaveLength(100);
		const refused = results.filter((r) => r.status === 409);
		expect(refused).toHaveLength(100);
		for (const r of refused)
			expect(r.body.error).toMatchObject({ code: 'insufficient_stock', available: 0 });

		const [lot] = await sql`select on_hand, locked, allocated from lots where id = ${lotId}`;
		const [held] =
			await sql`select coalesce(sum(quantity),0)::int as n from stock_locks where lot_id = ${lotId} and status = 'active'`;
		expect(lot).toMatchObject({ on_hand: 100, locked: 100, allocated: 0 });
		expect(held!.n).toBe(100);
		await expect.poll(() => lastLocked, { timeout: 5000 }).toBe(100);
		watcher.close();
	});

	test('a server restart mid-show keeps every lock', async () => {
		const cookie = await apiSignIn(a.url, 'host@demo.lotlive.cn');
		const { lotId, showId } = await showWithLot(cookie, 50);
		await fetch(`${a.url}/api/v1/shows/${showId}/status`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({ status: 'live' })
		});
		for (const q of [10, 5]) {
			const r = await fetch(`${a.url}/api/v1/shows/${showId}/locks`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie },
				body: JSON.stringify({ lotId, quantity: q })
			});
			expect(r.status).toBe(201);
		}
		// abrupt stop: no graceful shutdown, whatever was acknowledged must be committed
		await a.stop('SIGKILL');
		a = await startServerProcess(portBase + 1, {
			DATABASE_URL: db.env.DATABASE_URL,
			PGLITE_DIR: undefined
		});
		const r = await fetch(`${a.url}/api/v1/shows/${showId}/locks`, { headers: { cookie } });
		expect(r.status).toBe(200);
		const body = (await r.json()) as {
			locks: { quantity: number }[];
			counters: { lockedInShow: number; available: number }[];
		};
		expect(body.locks.map((l) => l.quantity).sort()).toEqual([10, 5].sort());
		expect(body.counters[0]).toMatchObject({ lockedInShow: 15, available: 35 });
		const stock = await fetch(`${b.url}/api/v1/lots/${lotId}/stock`, { headers: { cookie } });
		expect(await stock.json()).toMatchObject({ onHand: 50, locked: 15, available: 35 });
	});
});
