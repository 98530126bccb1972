// `npm run bench:collab`: 20 editors on a 500-slot board through a real LotLive server process.
//
// The server runs in its own process: by default the runtime (socket.io + /collab with the
// Postgres persistence, the code server/index.js attaches) on an http server
// (tests/helpers/collab-node.ts); BENCH_SERVER=built runs the production entry server/index.js
// instead (needs `npm run build`). Editors are y-websocket WebsocketProviders in this process
// (ws as the WebSocket, session cookies in the upgrade headers), like the browser's.
//
//   converge   an edit on one editor until every other editor has it; in each round every
//              editor edits a random slot at the same moment (script text or live price)
//   cold load  a new client's time to synced on the persisted board after the server unloaded
//              it (all editors gone, saved, compacted): median of several runs
//   server rss resident memory of the server process with the 20 editors connected
//
// Database: DATABASE_URL/BENCH_DATABASE_URL (a fresh database, dropped afterwards), else
// PGlite in a temporary directory. Prints one JSON line on stdout; logs go to stderr.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { buildBoardState, readSlots, slotsMap, type SlotInit } from '../src/lib/collab/board';
import { createBoardWithContent } from '../src/lib/server/boards/service';
import { closeDb, db, dbHandle } from '../src/lib/server/db';
import { lots, orgs, users } from '../src/lib/server/db/schema';
import { migrateAndInit } from '../src/lib/server/db/migrate';
import { resetEnvCache } from '../src/lib/server/env';
import { seedDemoIfEmpty } from '../src/lib/server/seed/demo';
import { freshDatabase } from '../tests/helpers/database';
import { collabClient, type CollabClient } from '../tests/helpers/collab-client';
import { spawnNode } from '../tests/helpers/spawn-node';
import { makeMember } from '../tests/helpers/users';
import { percentile, report, round } from './lib/stats';

const EDITORS = Number(process.env.BENCH_EDITORS ?? 20);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const PORT = Number(process.env.BENCH_PORT ?? 3184);
const SERVER = process.env.BENCH_SERVER === 'built' ? 'built' : 'runtime';
const log = (msg: string) => process.stderr.write(`[bench:collab] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- database and data
const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (base) process.env.LOTLIVE_TEST_DATABASE_URL = base;
const fresh = await freshDatabase('bench_collab');
let tmp: string | undefined;
delete process.env.DATABASE_URL;
delete process.env.PGLITE_DIR;
const dbEnv: Record<string, string> = { ...fresh.env };
if (fresh.kind === 'pglite') {
	tmp = mkdtempSync(path.join(os.tmpdir(), 'lotlive-bench-collab-'));
	dbEnv.PGLITE_DIR = path.join(tmp, 'pglite');
}
Object.assign(process.env, dbEnv, { SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
resetEnvCache();

let stopServer: (() => Promise<void>) | undefined;
const clients: CollabClient[] = [];
try {
	await migrateAndInit(dbHandle(), async () => {
		await seedDemoIfEmpty();
	});
	const [team] = await db()
		.select({ id: orgs.id })
		.from(orgs)
		.where(and(eq(orgs.kind, 'host_team'), eq(orgs.name, '小鹿直播间')));
	const [host] = await db().select().from(users).where(eq(users.email, 'host@demo.lotlive.cn'));
	const editors: Awaited<ReturnType<typeof makeMember>>[] = [];
	for (let i = 0; i < EDITORS; i++) {
		editors.push(await makeMember('assistant', team!.id, { displayName: `场控 ${i + 1}` }));
	}
	const lotIds = (await db().select({ id: lots.id }).from(lots)).map((l) => l.id);
	const inits: SlotInit[] = [];
	for (let i = 0; i < SLOTS; i++) {
		inits.push({
			lotId: lotIds[i % lotIds.length]!,
			plannedAt: `${String(20 + (Math.floor(i / 60) % 4)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
			livePriceFen: 1990 + i,
			lockQty: 50 + (i % 7) * 10,
			script: `第${i + 1}号货：面料舒适，版型好。瑕疵说明：袖口有线头（微瑕），不影响穿着，主播会现场展示。直播间专享价。`,
			notes: i % 3 === 0 ? '和上一款同框讲解' : '',
			checklist: [
				{ text: '试穿展示', done: i % 2 === 0 },
				{ text: '特写瑕疵' },
				{ text: '上链接' }
			],
			crossSell:
				i % 10 === 0
					? { role: 'traffic', pairIndex: i + 1 }
					: i % 10 === 1
						? { role: 'profit', pairIndex: i - 1 }
						: null
		});
	}
	const state = buildBoardState({ broadcastAt: new Date().toISOString() }, inits);
	const boardId = await createBoardWithContent(team!.id, host!.id, '压测看板', state);
	log(`board ${boardId}: ${SLOTS} slots, ${Math.round(state.length / 1024)} KiB`);
	await closeDb(); // PGlite: the server process opens the same directory

	// ---------------------------------------------------------------- server
	let serverUrl: string;
	let serverPid: number;
	if (SERVER === 'built') {
		const child = spawn(process.execPath, ['server/index.js'], {
			env: {
				...process.env,
				...dbEnv,
				PORT: String(PORT),
				HOST: '127.0.0.1',
				NODE_ENV: 'production',
				SEED_DEMO: 'false'
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		await new Promise<void>((resolve, reject) => {
			child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
			child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
		});
		child.stdout!.resume();
		serverUrl = `http://127.0.0.1:${PORT}`;
		serverPid = child.pid!;
		stopServer = async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		};
	} else {
		const node = await spawnNode(dbEnv, PORT);
		serverUrl = node.url;
		serverPid = node.pid;
		stopServer = node.stop;
	}
	const rssMb = () => {
		const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : NaN;
	};
	const loaded = async () => {
		if (SERVER === 'built') return false; // no introspection endpoint; waits a fixed time instead
		const r = (await (await fetch(`${serverUrl}/__node/docs`)).json()) as {
			docs: { docId: string }[];
		};
		return r.docs.some((d) => d.docId === boardId);
	};
	const waitUnloaded = async () => {
		if (SERVER === 'built') return sleep(3000);
		const until = Date.now() + 30_000;
		while ((await loaded()) && Date.now() < until) await sleep(50);
		if (await loaded()) throw new Error('board still loaded on the server');
	};

	// ---------------------------------------------------------------- editors connect
	const t0 = performance.now();
	for (const e of editors) clients.push(collabClient(serverUrl, boardId, e.token));
	await Promise.all(clients.map((c) => c.saved(60_000)));
	log(`${EDITORS} editors synced in ${Math.round(performance.now() - t0)} ms`);
	const slotIds = readSlots(clients[0]!.doc).map((s) => s.id);
	if (slotIds.length !== SLOTS) throw new Error(`expected ${SLOTS} slots, got ${slotIds.length}`);
	clients.forEach((c, i) =>
		c.provider.awareness.setLocalState({
			user: { id: editors[i]!.userId, name: `场控 ${i + 1}`, color: '#e8432e' },
			slotId: slotIds[i * 7]
		})
	);
	await sleep(300);

	// ---------------------------------------------------------------- converge
	interface Edit {
		check: (doc: Y.Doc) => boolean;
		start: number;
		waiting: Set<number>;
		last: number;
		done: () => void;
	}
	const outstanding = new Set<Edit>();
	clients.forEach((c, idx) => {
		c.doc.on('update', () => {
			const now = performance.now();
			for (const e of outstanding) {
				if (e.waiting.has(idx) && e.check(c.doc)) {
					e.waiting.delete(idx);
					e.last = now;
					if (e.waiting.size === 0) {
						outstanding.delete(e);
						e.done();
					}
				}
			}
		});
	});
	let seq = 0;
	const rand = (n: number) => Math.floor(Math.random() * n);
	const samples: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		const round: Promise<number>[] = [];
		// distinct slots per round, so no edit is overwritten by another one (last writer wins)
		const picked = new Set<string>();
		while (picked.size < EDITORS) picked.add(slotIds[rand(slotIds.length)]!);
		const targets = [...picked];
		for (let i = 0; i < EDITORS; i++) {
			const c = clients[i]!;
			const slotId = targets[i]!;
			const slot = slotsMap(c.doc).get(slotId)!;
			const token = `e${++seq};`;
			const isText = seq % 2 === 0;
			const price = 100_000 + seq;
			const check = isText
				? (doc: Y.Doc) =>
						(
							(slotsMap(doc).get(slotId)?.get('script') as Y.Text | undefined)?.toString() ?? ''
						).includes(token)
				: (doc: Y.Doc) => slotsMap(doc).get(slotId)?.get('livePriceFen') === price;
			round.push(
				new Promise<number>((resolve) => {
					const e: Edit = {
						check,
						start: 0,
						last: 0,
						waiting: new Set(clients.map((_, k) => k).filter((k) => k !== i)),
						done: () => resolve(e.last - e.start)
					};
					outstanding.add(e);
					e.start = performance.now();
					if (isText) {
						const text = slot.get('script') as Y.Text;
						text.insert(rand(text.length + 1), token);
					} else {
						slot.set('livePriceFen', price);
					}
				})
			);
		}
		const times = await Promise.race([
			Promise.all(round),
			sleep(30_000).then(() => {
				throw new Error('edits did not converge within 30 s');
			})
		]);
		samples.push(...times);
		await sleep(100 + rand(100)); // people pause between keystrokes
	}
	const rss = rssMb();
	// every replica ends identical
	const ref = Y.encodeStateVector(clients[0]!.doc).toString();
	if (!clients.every((c) => Y.encodeStateVector(c.doc).toString() === ref))
		throw new Error('replicas differ');
	await Promise.all(clients.map((c) => c.saved(30_000)));

	// ---------------------------------------------------------------- cold load
	for (const c of clients.splice(0)) c.close();
	const cold: number[] = [];
	for (let i = 0; i < COLD_RUNS; i++) {
		await waitUnloaded();
		const start = performance.now();
		const c = collabClient(serverUrl, boardId, editors[i % editors.length]!.token);
		await c.synced(30_000);
		cold.push(performance.now() - start);
		if (readSlots(c.doc).length !== SLOTS) throw new Error('cold load missed slots');
		c.close();
	}

	report({
		editors: EDITORS,
		slots: SLOTS,
		converge_p50_ms: round(percentile(samples, 50), 1),
		converge_p99_ms: round(percentile(samples, 99), 1),
		cold_load_ms: round(percentile(cold, 50), 1),
		server_rss_mb: round(rss, 1),
		edits: samples.length,
		converge_max_ms: round(Math.max(...samples), 1),
		cold_load_max_ms: round(Math.max(...cold), 1),
		db: fresh.kind,
		server: SERVER === 'built' ? 'server/index.js' : 'runtime+http (tests/helpers/collab-node.ts)'
	});
} finally {
	for (const c of clients) c.close();
	await stopServer?.().catch(() => {});
	await closeDb().catch(() => {});
	await fresh.drop().catch((e) => log(`could not drop database: ${e}`));
	if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
