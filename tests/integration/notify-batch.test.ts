import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyBatching } from '../../src/lib/server/realtime/notify-batch';

// The socket.io adapter's NOTIFYs, coalesced per tick: needs a real Postgres server.
const url = process.env.DATABASE_URL;

describe.runIf(url)('notifyBatching', () => {
	let pool: pg.Pool;
	let listener: pg.Client;
	const got: string[] = [];
	let statements = 0;

	beforeAll(async () => {
		pool = new pg.Pool({ connectionString: url, max: 2 });
		const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
		(pool as unknown as { query: typeof query }).query = (...a: unknown[]) => {
			statements++;
			return query(...a);
		};
		listener = new pg.Client({ connectionString: url });
		await listener.connect();
		listener.on('notification', (m) => got.push(`${m.channel}:${m.payload}`));
		await listener.query('LISTEN "nb#a"');
		await listener.query('LISTEN "nb#b"');
	});
	afterAll(async () => {
		await listener?.end();
		await pool?.end();
	});

	it('sends the notifications of one tick in one statement, in order, and passes other queries through', async () => {
		const batched = notifyBatching(pool);
		statements = 0;
		await Promise.all([
			batched.query('SELECT pg_notify($1, $2)', ['nb#a', '1']),
			batched.query('SELECT pg_notify($1, $2)', ['nb#b', '2']),
			batched.query('SELECT pg_notify($1, $2)', ['nb#a', '3'])
		]);
		expect(statements).toBe(1);
		const r = await batched.query<{ n: number }>('select $1::int as n', [7]);
		expect(r.rows[0]!.n).toBe(7);
		for (let i = 0; i < 50 && got.length < 3; i++) await new Promise((res) => setTimeout(res, 20));
		expect(got).toEqual(['nb#a:1', 'nb#b:2', 'nb#a:3']);
	});

	it('rejects every caller of a failed statement', async () => {
		const broken = notifyBatching(pool);
		// A channel name longer than Postgres allows fails the whole statement.
		const bad = broken.query('SELECT pg_notify($1, $2)', ['x'.repeat(100), '1']);
		const ok = broken.query('SELECT pg_notify($1, $2)', ['nb#a', '4']);
		await expect(bad).rejects.toThrow();
		await expect(ok).rejects.toThrow();
	});
});
