// `npm run bench:locks`: a flash sale on one lot. 200 concurrent clients (each a keep-alive
// connection) lock 1 unit at a time from a lot with 10,000 units, through the real server
// (server/index.js from build/) on Postgres, with the stock module's per-lot batching over HTTP, then over socket.io.
// The baseline is the naive path (bench/lib/naive-locks.ts: one transaction with SELECT … FOR UPDATE per request),
// which is no production code: it runs in this process, through the same lock API minus HTTP, on the same database.
// Line 1: throughput and latency. Line 2: fan-out of one counter change to 1,000 watchers.
import { io as connect, type Socket } from 'socket.io-client';
import { apiSignIn, startServerProcess, type ServerProcess } from '../tests/helpers/processes';
import { closeDb } from '../src/lib/server/db';
import { AppError } from '../src/lib/server/errors';
import { acquireLock } from '../src/lib/server/live/locks';
import { demoActor } from '../tests/helpers/demo';
import { closeClients, request } from './lib/http';
import { setLockStrategy } from './lib/naive-locks';
import { serverBenchDatabase } from './lib/server';
import { cpuSeconds, percentile, report, round } from './lib/stats';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
/** Units sold on each fresh server before the measured run. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const PORT = Number(process.env.BENCH_PORT ?? 4199);

const { db, sql } = await serverBenchDatabase('locks');
// The naive baseline runs in this process, on the server's database.
process.env.DATABASE_URL = db.env.DATABASE_URL;
const log = (m: string) => process.stderr.write(m + '\n');

interface Run {
	/** Server CPU seconds over the run. */
	cpu: number;
	granted: number;
	refused: number;
	seconds: number;
	latencies: number[];
	oversold: number;
}

async function prepare(server: ServerProcess, cookie: string, onHand: number) {
	const [lot] = await sql`select id from lots where dropship_allowed and status = 'active'
		and id not in (select lot_id from show_slots) order by seq limit 1`;
	await sql`update lots set on_hand = ${onHand}, locked = 0, allocated = 0 where id = ${lot!.id}`;
	const r = await fetch(`${server.url}/api/v1/shows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ title: 'bench', slots: [{ lotId: lot!.id }] })
	});
	if (r.status !== 201) throw new Error(`create show: ${r.status} ${await r.text()}`);
	return { lotId: lot!.id as string, showId: ((await r.json()) as { id: string }).id };
}

/** Checks the database after a run: nothing locked beyond on hand, counters equal to the locks. */
async function oversold(lotId: string, granted: number): Promise<number> {
	const [l] = await sql`select on_hand, locked, allocated from lots where id = ${lotId}`;
	const [h] =
		await sql`select coalesce(sum(quantity),0)::int as n from stock_locks where lot_id = ${lotId} and status = 'active'`;
	let bad = Math.max(0, l!.locked + l!.allocated - l!.on_hand);
	if (l!.locked !== h!.n || h!.n !== granted)
		bad += Math.abs(h!.n - granted) + Math.abs(l!.locked - h!.n);
	return bad;
}

async function httpRun(server: ServerProcess, cookie: string, units = UNITS): Promise<Run> {
	const { lotId, showId } = await prepare(server, cookie, units);
	const url = `${server.url}/api/v1/shows/${showId}/locks`;
	const body = JSON.stringify({ lotId, quantity: 1 });
	const latencies: number[] = [];
	let granted = 0;
	let refused = 0;
	let soldOut = false;
	const started = performance.now();
	const cpu0 = cpuSeconds(server.proc.pid);
	let finished = started;
	await Promise.all(
		Array.from({ length: CLIENTS }, async () => {
			while (!soldOut) {
				const t = performance.now();
				const r = await request(url, 'POST', { 'content-type': 'application/json', cookie }, body);
				const now = performance.now();
				if (r.status === 201) {
					granted++;
					latencies.push(now - t);
					finished = now;
				} else if (r.status === 409) {
					refused++;
					soldOut = true;
				} else throw new Error(`unexpected ${r.status}`);
			}
		})
	);
	return {
		cpu: cpuSeconds(server.proc.pid) - cpu0,
		granted,
		refused,
		seconds: (finished - started) / 1000,
		latencies,
		oversold: await oversold(lotId, granted)
	};
}

/** The naive baseline: CLIENTS concurrent callers of the lock API in this process. */
async function naiveRun(server: ServerProcess, cookie: string, units = UNITS): Promise<Run> {
	const { lotId, showId } = await prepare(server, cookie, units);
	const { actor } = await demoActor('assistant1@demo.lotlive.cn');
	setLockStrategy('naive');
	const latencies: number[] = [];
	let granted = 0;
	let refused = 0;
	let soldOut = false;
	const started = performance.now();
	const cpu0 = process.cpuUsage();
	let finished = started;
	try {
		await Promise.all(
			Array.from({ length: CLIENTS }, async () => {
				while (!soldOut) {
					const t = performance.now();
					try {
						await acquireLock(actor, showId, { lotId, quantity: 1 });
					} catch (e) {
						if (e instanceof AppError && e.code === 'insufficient_stock') {
							refused++;
							soldOut = true;
							continue;
						}
						throw e;
					}
					const now = performance.now();
					granted++;
					latencies.push(now - t);
					finished = now;
				}
			})
		);
	} finally {
		setLockStrategy(undefined);
	}
	const cpu = process.cpuUsage(cpu0);
	return {
		cpu: (cpu.user + cpu.system) / 1e6,
		granted,
		refused,
		seconds: (finished - started) / 1000,
		latencies,
		oversold: await oversold(lotId, granted)
	};
}

type S = Socket;
async function sockets(url: string, cookie: string, n: number): Promise<S[]> {
	const out: S[] = [];
	for (let i = 0; i < n; i += 50) {
		const batch = await Promise.all(
			Array.from({ length: Math.min(50, n - i) }, () => {
				const s = connect(url, {
					transports: ['websocket'],
					extraHeaders: { cookie },
					reconnection: false,
					forceNew: true
				});
				return new Promise<S>((res, rej) => {
					s.once('HelloV1', () => res(s));
					s.once('connect_error', rej);
				});
			})
		);
		out.push(...batch);
	}
	return out;
}

async function socketRun(server: ServerProcess, cookie: string): Promise<Run> {
	const { lotId, showId } = await prepare(server, cookie, UNITS);
	const clients = await sockets(server.url, cookie, CLIENTS);
	const latencies: number[] = [];
	let granted = 0;
	let refused = 0;
	let soldOut = false;
	const started = performance.now();
	const cpu0 = cpuSeconds(server.proc.pid);
	let finished = started;
	await Promise.all(
		clients.map(async (s) => {
			while (!soldOut) {
				const t = performance.now();
				const res = (await s
					.timeout(30_000)
					.emitWithAck('LockAcquireV1', { showId, lotId, quantity: 1 })) as {
					ok: boolean;
					error?: { code: string };
				};
				const now = performance.now();
				if (res.ok) {
					granted++;
					latencies.push(now - t);
					finished = now;
				} else if (res.error?.code === 'insufficient_stock') {
					refused++;
					soldOut = true;
				} else throw new Error(`unexpected ${JSON.stringify(res)}`);
			}
		})
	);
	const cpu = cpuSeconds(server.proc.pid) - cpu0;
	for (const s of clients) s.close();
	return {
		cpu,
		granted,
		refused,
		seconds: (finished - started) / 1000,
		latencies,
		oversold: await oversold(lotId, granted)
	};
}

/** 1,000 watchers of one show; each lock change's delivery time to every watcher. */
async function fanout(server: ServerProcess, cookie: string) {
	const { lotId, showId } = await prepare(server, cookie, 1000);
	const watchers = await sockets(server.url, cookie, WATCHERS);
	const seen = new Map<S, number>();
	const waiters: { target: number; s: S; resolve: (t: number) => void }[] = [];
	for (const s of watchers) {
		const ack = (await s.timeout(10_000).emitWithAck('ShowWatchV1', { showId })) as { ok: boolean };
		if (!ack.ok) throw new Error('watch refused');
		s.on('ShowStockChangedV1', (p: { lockedInShow: number }) => {
			const now = performance.now();
			seen.set(s, Math.max(seen.get(s) ?? 0, p.lockedInShow));
			for (let i = waiters.length - 1; i >= 0; i--) {
				const w = waiters[i]!;
				if (w.s === s && p.lockedInShow >= w.target) {
					waiters.splice(i, 1);
					w.resolve(now);
				}
			}
		});
	}
	const delays: number[] = [];
	const CHANGES = 30;
	for (let i = 1; i <= CHANGES; i++) {
		const arrivals = watchers.map(
			(s) => new Promise<number>((resolve) => waiters.push({ target: i, s, resolve }))
		);
		const t0 = performance.now();
		const r = await fetch(`${server.url}/api/v1/shows/${showId}/locks`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({ lotId, quantity: 1 })
		});
		if (r.status !== 201) throw new Error(`lock ${r.status}`);
		for (const t of await Promise.all(arrivals)) delays.push(t - t0);
		await new Promise((res) => setTimeout(res, 50));
	}
	for (const s of watchers) s.close();
	return { delays, changes: CHANGES };
}

let server: ServerProcess | undefined;
const env = {
	DATABASE_URL: db.env.DATABASE_URL,
	PGLITE_DIR: undefined,
	SEED_DEMO: 'true',
	JOBS: 'false',
	LOG_LEVEL: 'error'
};
try {
	server = await startServerProcess(PORT, env);
	const cookie = await apiSignIn(server.url, 'assistant1@demo.lotlive.cn');
	log('naive baseline (in this process)…');
	// Each path first sells a warm-up lot (not measured): a flash sale meets a server that has
	// been up for hours, with its connections open and its code compiled.
	await naiveRun(server, cookie, WARMUP);
	const naive = await naiveRun(server, cookie);

	log('batched over HTTP…');
	await httpRun(server, cookie, WARMUP);
	const batched = await httpRun(server, cookie);
	log('batched over socket.io…');
	const sock = await socketRun(server, cookie);
	log('fan-out to watchers…');
	const fan = await fanout(server, cookie);
	await server.stop();
	server = undefined;

	const rate = (r: Run) => r.granted / r.seconds;
	report({
		bench: 'locks',
		clients: CLIENTS,
		units: UNITS,
		warmup_units: WARMUP,
		locks_per_s: round(rate(batched), 0),
		baseline_locks_per_s: round(rate(naive), 0),
		ratio: round(rate(batched) / rate(naive), 2),
		p50_ms: round(percentile(batched.latencies, 50), 1),
		p99_ms: round(percentile(batched.latencies, 99), 1),
		baseline_p50_ms: round(percentile(naive.latencies, 50), 1),
		baseline_p99_ms: round(percentile(naive.latencies, 99), 1),
		server_cpu_ms_per_lock: round((batched.cpu * 1000) / batched.granted, 3),
		socketio_locks_per_s: round(rate(sock), 0),
		socketio_p50_ms: round(percentile(sock.latencies, 50), 1),
		socketio_p99_ms: round(percentile(sock.latencies, 99), 1),
		socketio_server_cpu_ms_per_lock: round((sock.cpu * 1000) / sock.granted, 3),
		granted: batched.granted + naive.granted + sock.granted,
		oversold: batched.oversold + naive.oversold + sock.oversold
	});
	report({
		bench: 'locks_fanout',
		watchers: WATCHERS,
		changes: fan.changes,
		deliveries: fan.delays.length,
		p50_ms: round(percentile(fan.delays, 50), 1),
		p99_ms: round(percentile(fan.delays, 99), 1)
	});
} finally {
	closeClients();
	await server?.stop();
	await closeDb();
	await sql.end();
	await db.drop();
}
