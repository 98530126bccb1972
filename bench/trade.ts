// `npm run bench:trade`: wholesale checkouts racing a live show on the same lots (issue 18).
// The real server (server/index.js from build/) on Postgres, a fresh database with the demo seed.
// 20 hot lots (BENCH_LOTS) with BENCH_UNITS units each are on a live show whose assistants keep
// locking them over the lock API (BENCH_LOCKERS concurrent clients, BENCH_LOCK_QTY units a lock,
// up to BENCH_LOCK_SHARE of each lot) while BENCH_CHECKOUTS checkouts, all in flight at once
// (one keep-alive client each, BENCH_BUYERS buyer organisations), POST /api/v1/trade/orders with
// an Idempotency-Key: two lines of 50–200 pieces on two random hot lots, paid by the test
// provider later (not measured). Demand exceeds what the show leaves, so some checkouts are
// refused for stock (409 insufficient_stock): the race is real.
// Baseline, in the same run on the same server: the same checkouts on 20 other hot lots with no
// live show locking them (what the live locks cost the checkouts). Each run is preceded by a
// warm-up (BENCH_WARMUP checkouts on other lots, not measured). Last, BENCH_SERIAL checkouts one
// after another (serial_p50/p99_ms): the time of one checkout with no queue in front of it, since
// with all checkouts in flight at once the latency of each is mostly the queue (p50 ≈ p99 ≈ the
// run's length: the server and database share the work between them all).
// TRADE_CHECKOUT_BATCH_MAX (default 200, `batch_max` in the line) and
// TRADE_CHECKOUT_BATCH_IN_FLIGHT go to the server: concurrent checkouts share one transaction
// (docs/TRADE.md "Checkouts are batched"); TRADE_CHECKOUT_BATCH_MAX=1 is the unbatched baseline.
// The lean HTTP path (hot-api.ts) answers the checkouts either way.
// Measured 2026-12-02 18:00 UTC, load ≈ 3: 793–887 checkouts/s, p99 207–238 ms, oversold 0,
// ~1.4 ms of server + Postgres CPU per checkout (was 179/s, p99 1064 ms, ~5.9 ms); see
// docs/TRADE.md "Ledger, demo data and bench".
// Afterwards, per lot, in the database: units in live trade orders + active locks beyond on hand,
// and counters that disagree with the orders and locks (allocated vs trade lines, locked vs
// locks), summed as `oversold` (must be 0).
import { randomUUID } from 'node:crypto';
import { apiSignIn, startServerProcess, type ServerProcess } from '../tests/helpers/processes';
import { closeDb } from '../src/lib/server/db';
import { postgresTarget } from '../src/lib/server/db/url';
import { installModules } from '../src/lib/server/modules';
import { makeUser } from '../tests/helpers/users';
import { closeClients, request } from './lib/http';
import { serverBenchDatabase } from './lib/server';
import { cpuSeconds, databaseCpuSeconds, percentile, report, round } from './lib/stats';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 200);
const LOTS = Number(process.env.BENCH_LOTS ?? 20);
const UNITS = Number(process.env.BENCH_UNITS ?? 2000);
const BUYERS = Number(process.env.BENCH_BUYERS ?? 10);
const LOCKERS = Number(process.env.BENCH_LOCKERS ?? 10);
const LOCK_QTY = Number(process.env.BENCH_LOCK_QTY ?? 10);
const LOCK_SHARE = Number(process.env.BENCH_LOCK_SHARE ?? 0.3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
/** Checkouts sent one after another at the end: the latency of one checkout without a queue. */
const SERIAL = Number(process.env.BENCH_SERIAL ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 4197);
/** Most checkouts in one transaction on the server (1: a transaction each, the old way). */
const BATCH_MAX = Number(process.env.TRADE_CHECKOUT_BATCH_MAX ?? 200);

const { db, sql } = await serverBenchDatabase('trade');
const database = (await sql<{ name: string }[]>`select current_database() as name`)[0]!.name;
// Buyers are made in this process, on the server's database.
process.env.DATABASE_URL = db.env.DATABASE_URL;
const log = (m: string) => process.stderr.write(m + '\n');

const SHIP_TO = {
	name: '压测采购',
	phone: '13800000000',
	province: '广东省',
	city: '广州市',
	district: '越秀区',
	address: '站南路 16 号'
};

async function call(server: ServerProcess, path: string, cookie: string, body?: unknown) {
	const r = await request(
		`${server.url}${path}`,
		body === undefined ? 'GET' : 'POST',
		{ 'content-type': 'application/json', cookie },
		body === undefined ? undefined : JSON.stringify(body)
	);
	if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 300)}`);
	return JSON.parse(r.body) as Record<string, unknown>;
}

/**
 * `request`, sent again when the server had closed the kept-alive socket just as it was reused
 * (ECONNRESET between runs). A checkout's retry carries the same Idempotency-Key: at most one
 * set of orders either way.
 */
async function send(...args: Parameters<typeof request>): ReturnType<typeof request> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await request(...args);
		} catch (e) {
			const code = (e as { code?: string }).code;
			if (attempt >= 2 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw e;
			resent++;
		}
	}
}
let resent = 0;

const taken = new Set<string>();

/**
 * `n` hot lots nobody else uses: active, of admitted suppliers, on no show, without trade terms
 * (step 1, no price breaks; the bench writes no trade table), with `units` free units and MOQ 50.
 */
async function hotLots(n: number, units: number): Promise<string[]> {
	const rows = await sql`select l.id from lots l join suppliers s on s.org_id = l.supplier_id
		where l.status = 'active' and s.status = 'admitted' and l.dropship_allowed
			and l.id not in (select lot_id from show_slots)
			and l.id not in (select lot_id from trade_order_lines)
			and l.id not in (select lot_id from trade_lot_terms)
		order by l.seq limit ${n + taken.size}`;
	const ids = rows
		.map((r) => r.id as string)
		.filter((id) => !taken.has(id))
		.slice(0, n);
	if (ids.length < n) throw new Error(`only ${ids.length} lots free for the bench`);
	for (const id of ids) taken.add(id);
	await sql`update lots set on_hand = ${units}, locked = 0, allocated = 0, moq = 50
		where id in ${sql(ids)}`;
	return ids;
}

interface Run {
	seconds: number;
	latencies: number[];
	ok: number;
	orders: number;
	refusedStock: number;
	locks: number;
	lockRefused: number;
	cpu: number;
	pgCpu: number;
	oversold: number;
}

/** Per lot: units promised beyond on hand, and counters that disagree with orders and locks. */
async function oversold(lotIds: string[]): Promise<number> {
	const rows = await sql`select l.id, l.on_hand, l.locked, l.allocated,
			(select coalesce(sum(ol.quantity), 0)::int from trade_order_lines ol
				join trade_orders o on o.id = ol.order_id
				where ol.lot_id = l.id and o.state not in ('cancelled_unpaid', 'cancelled_sla')) as traded,
			(select coalesce(sum(k.quantity), 0)::int from stock_locks k
				where k.lot_id = l.id and k.status = 'active') as locks
		from lots l where l.id in ${sql(lotIds)}`;
	let bad = 0;
	for (const r of rows) {
		bad += Math.max(0, r.traded + r.locks - r.on_hand);
		bad += Math.abs(r.allocated - r.traded) + Math.abs(r.locked - r.locks);
	}
	return bad;
}

async function run(
	server: ServerProcess,
	buyers: string[],
	opsCookie: string,
	opts: { checkouts: number; live: boolean; tag: string; oneAtATime?: boolean }
): Promise<Run> {
	const lotIds = await hotLots(LOTS, UNITS);
	let showId: string | null = null;
	if (opts.live) {
		const show = (await call(server, '/api/v1/shows', opsCookie, {
			title: `bench trade ${opts.tag}`,
			slots: lotIds.map((lotId) => ({ lotId }))
		})) as { id: string };
		showId = show.id;
		await call(server, `/api/v1/shows/${show.id}/status`, opsCookie, { status: 'live' });
	}
	let seed = 7;
	const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const bodies = Array.from({ length: opts.checkouts }, () => {
		const a = Math.floor(rnd() * lotIds.length);
		const b = (a + 1 + Math.floor(rnd() * (lotIds.length - 1))) % lotIds.length;
		return JSON.stringify({
			lines: [a, b].map((i) => ({
				lotId: lotIds[i]!,
				quantity: 50 * (1 + Math.floor(rnd() * 4)),
				packaging: []
			})),
			shipTo: SHIP_TO,
			provider: 'test'
		});
	});
	const latencies: number[] = [];
	let ok = 0;
	let orders = 0;
	let refusedStock = 0;
	let locks = 0;
	let lockRefused = 0;
	let done = false;
	const lockedByLot = new Map<string, number>();
	const lockers = opts.live
		? Array.from({ length: LOCKERS }, async () => {
				while (!done) {
					const open = lotIds.filter((id) => (lockedByLot.get(id) ?? 0) < UNITS * LOCK_SHARE);
					if (open.length === 0) return;
					const lotId = open[Math.floor(rnd() * open.length)]!;
					lockedByLot.set(lotId, (lockedByLot.get(lotId) ?? 0) + LOCK_QTY);
					const r = await send(
						`${server.url}/api/v1/shows/${showId}/locks`,
						'POST',
						{ 'content-type': 'application/json', cookie: opsCookie },
						JSON.stringify({ lotId, quantity: LOCK_QTY })
					);
					if (r.status === 201) locks++;
					else if (r.status === 409) {
						lockRefused++;
						lockedByLot.set(lotId, UNITS); // sold out: stop locking it
					} else throw new Error(`lock: ${r.status} ${r.body.slice(0, 200)}`);
				}
			})
		: [];
	// Let the show's locking get going before the checkouts arrive.
	if (opts.live) await new Promise((r) => setTimeout(r, 200));
	const started = performance.now();
	const cpu0 = cpuSeconds(server.proc.pid);
	const pg0 = databaseCpuSeconds(database);
	const checkoutOne = async (body: string, i: number) => {
		const t = performance.now();
		const r = await send(
			`${server.url}/api/v1/trade/orders`,
			'POST',
			{
				'content-type': 'application/json',
				cookie: buyers[i % buyers.length]!,
				'idempotency-key': `bench-${opts.tag}-${i}-${randomUUID()}`
			},
			body
		);
		latencies.push(performance.now() - t);
		if (r.status === 201 || r.status === 200) {
			ok++;
			const j = JSON.parse(r.body) as { orders?: unknown[] };
			orders += j.orders?.length ?? 0;
		} else if (r.status === 409 && r.body.includes('insufficient_stock')) refusedStock++;
		else throw new Error(`checkout: ${r.status} ${r.body.slice(0, 300)}`);
	};
	if (opts.oneAtATime) {
		for (const [i, body] of bodies.entries()) await checkoutOne(body, i);
	} else await Promise.all(bodies.map(checkoutOne));
	const seconds = (performance.now() - started) / 1000;
	const cpu = cpuSeconds(server.proc.pid) - cpu0;
	const pgCpu = databaseCpuSeconds(database) - pg0;
	done = true;
	await Promise.all(lockers);
	return {
		seconds,
		latencies,
		ok,
		orders,
		refusedStock,
		locks,
		lockRefused,
		cpu,
		pgCpu,
		oversold: await oversold(lotIds)
	};
}

let server: ServerProcess | undefined;
const env = {
	DATABASE_URL: db.env.DATABASE_URL,
	PGLITE_DIR: undefined,
	SEED_DEMO: 'true',
	// No timers: an unpaid order must not give its stock back during the run.
	JOBS: 'false',
	LOG_LEVEL: 'error',
	TRADE_CHECKOUT_BATCH_MAX: String(BATCH_MAX),
	TRADE_CHECKOUT_BATCH_IN_FLIGHT: process.env.TRADE_CHECKOUT_BATCH_IN_FLIGHT ?? '1'
};
try {
	server = await startServerProcess(PORT, env);
	installModules();
	const opsCookie = await apiSignIn(server.url, 'assistant1@demo.lotlive.cn');
	const buyers: string[] = [];
	for (let i = 0; i < BUYERS; i++) {
		const u = await makeUser('buyer', { orgName: `压测采购商 ${i + 1}` });
		buyers.push(`lotlive_session=${u.token}`);
	}
	log('warm-up…');
	await run(server, buyers, opsCookie, { checkouts: WARMUP, live: true, tag: 'warm' });
	log('baseline: checkouts with no live show on their lots…');
	const base = await run(server, buyers, opsCookie, {
		checkouts: CHECKOUTS,
		live: false,
		tag: 'base'
	});
	log('checkouts racing a live show locking the same lots…');
	const live = await run(server, buyers, opsCookie, {
		checkouts: CHECKOUTS,
		live: true,
		tag: 'live'
	});
	log('the same checkouts one at a time (no queueing: the service time)…');
	const serial = await run(server, buyers, opsCookie, {
		checkouts: SERIAL,
		live: false,
		tag: 'serial',
		oneAtATime: true
	});
	await server.stop();
	server = undefined;
	const done = (r: Run) => r.ok + r.refusedStock;
	report({
		bench: 'trade',
		checkouts: CHECKOUTS,
		lots: LOTS,
		buyers: BUYERS,
		batch_max: BATCH_MAX,
		batch_in_flight: Number(process.env.TRADE_CHECKOUT_BATCH_IN_FLIGHT ?? 1),
		db_socket: postgresTarget(db.env.DATABASE_URL!).host ? 'unix' : 'tcp',
		checkouts_per_s: round(done(live) / live.seconds, 0),
		p50_ms: round(percentile(live.latencies, 50), 1),
		p99_ms: round(percentile(live.latencies, 99), 1),
		accepted: live.ok,
		orders: live.orders,
		refused_stock: live.refusedStock,
		live_locks: live.locks,
		live_locks_refused: live.lockRefused,
		server_cpu_ms_per_checkout: round((live.cpu * 1000) / done(live), 2),
		pg_cpu_ms_per_checkout: round((live.pgCpu * 1000) / done(live), 2),
		baseline: 'same checkouts, same server, other lots, no live show locking them',
		baseline_checkouts_per_s: round(done(base) / base.seconds, 0),
		baseline_p50_ms: round(percentile(base.latencies, 50), 1),
		baseline_p99_ms: round(percentile(base.latencies, 99), 1),
		baseline_refused_stock: base.refusedStock,
		ratio: round(done(live) / live.seconds / (done(base) / base.seconds), 2),
		serial_checkouts: SERIAL,
		serial_p50_ms: round(percentile(serial.latencies, 50), 1),
		serial_p99_ms: round(percentile(serial.latencies, 99), 1),
		resent,
		oversold: live.oversold + base.oversold + serial.oversold
	});
} finally {
	closeClients();
	await server?.stop();
	await closeDb();
	await sql.end();
	await db.drop();
}
