// `npm run bench:orders`: a live show's order webhook under load. 50 concurrent posters (each a
// keep-alive HTTP connection) send consumer orders (1–3 lines over 8 lots of several suppliers) to POST /api/v1/orders with the
// host team's API token, through the real server (build/) on Postgres; 20% of posts repeat an
// earlier externalId (the live platform retrying). First the baseline (ORDER_BATCH_MAX=1: one
// transaction per order), then per-show batching, each on a fresh server that first takes
// warm-up posts on another show (BENCH_WARMUP, not measured). Afterwards the database is
// checked: one order per externalId, and no lot sold beyond what it holds. Besides throughput and latency it prints
// the CPU per post of the server and of the database's Postgres backends (when Postgres runs on
// this machine), and the share of CPU time the hypervisor stole during the run: on a shared VM,
// the same build's throughput swings by a third, and these tell a slower build from a slower host.
import { apiSignIn, startServerProcess, type ServerProcess } from '../tests/helpers/processes';
import { closeClients, request } from './lib/http';
import { serverBenchDatabase } from './lib/server';
import {
	cpuSeconds,
	databaseCpuSeconds,
	machineTicks,
	percentile,
	report,
	round
} from './lib/stats';

const POSTERS = Number(process.env.BENCH_POSTERS ?? 50);
const POSTS = Number(process.env.BENCH_POSTS ?? 12_000);
/** The baseline is slow: a sample of posts is enough to measure its rate. */
const BASELINE_POSTS = Math.min(POSTS, Number(process.env.BENCH_BASELINE_POSTS ?? 2_000));
/**
 * Each fresh server first takes warm-up posts on a show of its own (not measured): a flash sale
 * meets a server that has been up for hours, with its code compiled. Cold, V8's optimising
 * compiler takes a third of the server's CPU for the first ten seconds or so.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 6_000);
const BASELINE_WARMUP = Math.min(WARMUP, Math.ceil(BASELINE_POSTS / 2));
const REPEAT = 0.2;
const LOTS = 8;
const PORT = Number(process.env.BENCH_PORT ?? 4198);

const { db, sql } = await serverBenchDatabase('orders');
const database = (await sql<{ name: string }[]>`select current_database() as name`)[0]!.name;
const log = (m: string) => process.stderr.write(m + '\n');

async function call(
	server: ServerProcess,
	path: string,
	auth: Record<string, string>,
	body?: unknown
) {
	const r = await fetch(`${server.url}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json', ...auth },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	if (r.status >= 300) throw new Error(`${path}: ${r.status} ${text}`);
	return JSON.parse(text) as Record<string, unknown>;
}

/** A live show over LOTS lots of different suppliers, each with a lock that covers the run. */
async function liveShow(server: ServerProcess, cookie: string, tag: string) {
	const lots = await sql`select distinct on (supplier_id) id from lots
		where dropship_allowed and status = 'active' and id not in (select lot_id from show_slots)
		order by supplier_id, seq limit ${LOTS}`;
	const more = await sql`select id from lots where dropship_allowed and status = 'active'
		and id not in (select lot_id from show_slots) and id not in ${sql(lots.map((l) => l.id as string))}
		order by seq limit ${LOTS - lots.length}`;
	const ids = [...lots, ...more].map((l) => l.id as string);
	// Enough units that the run never sells out: it measures placing, not refusing.
	const units = Math.max(POSTS, BASELINE_POSTS) * 3;
	await sql`update lots set on_hand = ${units}, locked = 0, allocated = 0 where id in ${sql(ids)}`;
	const show = (await call(
		server,
		'/api/v1/shows',
		{ cookie },
		{
			title: `bench ${tag}`,
			slots: ids.map((lotId) => ({ lotId }))
		}
	)) as { id: string };
	await call(server, `/api/v1/shows/${show.id}/status`, { cookie }, { status: 'live' });
	for (const lotId of ids) {
		await call(server, `/api/v1/shows/${show.id}/locks`, { cookie }, { lotId, quantity: units });
	}
	return { showId: show.id, lotIds: ids };
}

interface Run {
	cpu: number;
	/** CPU seconds of the database's Postgres backends (NaN when Postgres is elsewhere). */
	pgCpu: number;
	/** Share of the machine's CPU time the hypervisor stole meanwhile. */
	steal: number;
	created: number;
	repeats: number;
	seconds: number;
	latencies: number[];
	duplicates: number;
	oversold: number;
	/** New orders per placing transaction (orders.xact is the writing transaction's id). */
	perBatch: number;
}

async function run(server: ServerProcess, tag: string, posts: number): Promise<Run> {
	const cookie = await apiSignIn(server.url, 'host@demo.lotlive.cn');
	const { token } = (await call(
		server,
		'/api/v1/tokens',
		{ cookie },
		{ name: `bench ${tag}` }
	)) as {
		token: string;
	};
	const { showId, lotIds } = await liveShow(server, cookie, tag);
	const auth = { authorization: `Bearer ${token}` };
	let next = 0;
	let created = 0;
	let repeats = 0;
	const sent: string[] = [];
	const latencies: number[] = [];
	let seed = 42;
	const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const started = performance.now();
	const cpu0 = cpuSeconds(server.proc.pid);
	const pg0 = databaseCpuSeconds(database);
	const ticks0 = machineTicks();
	await Promise.all(
		Array.from({ length: POSTERS }, async (_, p) => {
			for (;;) {
				const n = next++;
				if (n >= posts) return;
				const repeat = sent.length > 0 && rnd() < REPEAT;
				const externalId = repeat ? sent[Math.floor(rnd() * sent.length)]! : `DY-${tag}-${p}-${n}`;
				const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
					lotId: lotIds[Math.floor(rnd() * lotIds.length)]!,
					quantity: 1 + Math.floor(rnd() * 2),
					unitPrice: 2990
				}));
				const body = JSON.stringify({
					externalId,
					showId,
					lines,
					shipTo: {
						name: '测试',
						phone: `138${String(n).padStart(8, '0')}`,
						province: '山东省',
						city: '济南市',
						district: '历下区',
						address: `泉城路 ${n} 号`
					},
					paidAt: new Date().toISOString()
				});
				const t = performance.now();
				const r = await request(
					`${server.url}/api/v1/orders`,
					'POST',
					{ 'content-type': 'application/json', ...auth },
					body
				);
				latencies.push(performance.now() - t);
				if (r.status === 201) {
					created++;
					if (!repeat) sent.push(externalId);
				} else if (r.status === 200) repeats++;
				else throw new Error(`unexpected ${r.status}: ${r.body.slice(0, 200)}`);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	const cpu = cpuSeconds(server.proc.pid) - cpu0;
	const pgCpu = databaseCpuSeconds(database) - pg0;
	const ticks = machineTicks();
	const [d] = await sql`select count(*)::int - count(distinct external_id)::int as dup,
		count(*)::int as n, count(*)::float / greatest(count(distinct xact), 1) as per_batch
		from orders where show_id = ${showId}`;
	const [o] = await sql`select count(*)::int as n from lots l where l.id in ${sql(lotIds)} and (
		l.locked + l.allocated > l.on_hand or l.allocated <> (select coalesce(sum(ol.quantity), 0)
			from order_lines ol where ol.lot_id = l.id))`;
	return {
		cpu,
		pgCpu,
		steal: (ticks.steal - ticks0.steal) / (ticks.total - ticks0.total),
		created,
		repeats,
		seconds,
		latencies,
		duplicates: d!.dup + Math.abs(d!.n - created),
		oversold: o!.n,
		perBatch: d!.per_batch
	};
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
	log('baseline: one transaction per order…');
	server = await startServerProcess(PORT, { ...env, ORDER_BATCH_MAX: '1' });
	await run(server, 'base-warm', BASELINE_WARMUP);
	const baseline = await run(server, 'base', BASELINE_POSTS);
	await server.stop();
	log('batched per show…');
	server = await startServerProcess(PORT, { ...env, ORDER_BATCH_MAX: '200' });
	await run(server, 'batch-warm', WARMUP);
	const batched = await run(server, 'batch', POSTS);
	await server.stop();
	server = undefined;
	report({
		bench: 'orders',
		posters: POSTERS,
		posts: POSTS,
		baseline_posts: BASELINE_POSTS,
		warmup_posts: WARMUP,
		orders_per_s: round(batched.created / batched.seconds, 0),
		posts_per_s: round(POSTS / batched.seconds, 0),
		p50_ms: round(percentile(batched.latencies, 50), 1),
		p99_ms: round(percentile(batched.latencies, 99), 1),
		server_cpu_ms_per_post: round((batched.cpu * 1000) / POSTS, 3),
		pg_cpu_ms_per_post: round((batched.pgCpu * 1000) / POSTS, 3),
		steal_pct: round(batched.steal * 100, 1),
		orders_per_batch: round(batched.perBatch, 1),
		baseline_orders_per_s: round(baseline.created / baseline.seconds, 0),
		baseline_p99_ms: round(percentile(baseline.latencies, 99), 1),
		ratio: round(batched.created / batched.seconds / (baseline.created / baseline.seconds), 2),
		orders: batched.created + baseline.created,
		repeats: batched.repeats + baseline.repeats,
		duplicates: batched.duplicates + baseline.duplicates,
		oversold: batched.oversold + baseline.oversold
	});
} finally {
	closeClients();
	await server?.stop();
	await sql.end();
	await db.drop();
}
