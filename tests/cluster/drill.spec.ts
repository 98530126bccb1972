// Fault drills on three nodes behind HAProxy, on one (private) Postgres: board edits and presence
// converge across nodes; 200-way lock contention and a webhook burst survive `kill -9` of a node
// (clients retry through the balancer with the same Idempotency-Key / externalId: nothing lost,
// nothing doubled, nothing oversold); a Postgres restart mid-load is answered 503 + Retry-After
// (never 500), the nodes reconnect by themselves and no board edit is lost; SIGTERM drains
// in-flight requests and flushes board saves before the process exits; board presence (Yjs
// awareness) converges across nodes; a pg_dump restores into a copy a node can serve.
// At the end a one-line JSON summary is printed and written to test-results/cluster-drill.json.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import postgres from 'postgres';
import { io as connect, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { orderedSlotMaps } from '../../src/lib/collab/board';
import { collabClient } from '../helpers/collab-client';
import { apiSignIn } from '../helpers/processes';
import { PORTS, pgBin, startCluster, type Cluster } from './harness';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'demo1234';
const HOST = 'host@demo.lotlive.cn';
const ASSISTANT1 = 'assistant1@demo.lotlive.cn';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let c: Cluster;
let sql: postgres.Sql;
let hostCookie: string;
let asstCookie: string;
let boardId: string;
let hostCtx: BrowserContext | undefined;
let asstCtx: BrowserContext | undefined;
let hostPage: Page | undefined;
let asstPage: Page | undefined;

/** What the closing note reports. */
const summary = {
	faults: [] as string[],
	requests: 0,
	lockRequests: 0,
	lockRetries: 0,
	lockReplays: 0,
	orderRequests: 0,
	orderRetries: 0,
	ordersLost: 0,
	ordersDoubled: 0,
	oversold: 0,
	badInputRequests: 0,
	badInput5xx: 0,
	answers500: 0,
	outage503: 0,
	outage503WithoutRetryAfter: 0,
	sigtermInFlightAnswered: 0,
	sigtermNotConnected: 0,
	recoveryMs: null as number | null,
	outageMs: null as number | null
};

interface Answer {
	status: number; // 0: no HTTP answer (connection refused/reset)
	body: unknown;
	retryAfter: string | null;
}

/** One HTTP call, counted; a network failure is status 0, never a throw. */
async function call(url: string, init: RequestInit = {}): Promise<Answer> {
	summary.requests++;
	try {
		const r = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
		const text = await r.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {
			/* not JSON (a page) */
		}
		if (r.status === 500) summary.answers500++;
		return { status: r.status, body, retryAfter: r.headers.get('retry-after') };
	} catch {
		return { status: 0, body: null, retryAfter: null };
	}
}

const retryable = (s: number) => s === 0 || s === 502 || s === 503 || s === 504;

/** POSTs JSON through the balancer until it gets a definite answer, sending the same body and key each time. */
async function postRetrying(
	path: string,
	body: unknown,
	headers: Record<string, string>,
	onRetry: () => void = () => {}
): Promise<Answer> {
	let a: Answer = { status: 0, body: null, retryAfter: null };
	for (let attempt = 0; attempt < 40; attempt++) {
		a = await call(c.lbUrl + path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
		if (!retryable(a.status)) return a;
		onRetry();
		const wait = a.retryAfter ? Math.min(Number(a.retryAfter) * 1000, 2000) : 150;
		await sleep(wait / 2 + Math.random() * (wait / 2));
	}
	return a;
}

async function signedInContext(browser: Browser, email: string, node: string) {
	const ctx = await browser.newContext({ baseURL: c.lbUrl, locale: 'zh-CN' });
	// pinned to one node by HAProxy's stickiness cookie
	await pin(ctx, node);
	const res = await ctx.request.post('/api/v1/auth/sign-in', {
		data: { email, password: PASSWORD }
	});
	expect(res.status()).toBe(200);
	return ctx;
}

/** Pins a context to a node again (HAProxy re-pins a browser whose node was down) and checks it. */
async function pin(ctx: BrowserContext, node: string) {
	await ctx.addCookies([{ name: 'LOTLIVE_NODE', value: node, url: c.lbUrl }]);
}
async function expectPinned(ctx: BrowserContext, node: string) {
	const cookies = await ctx.cookies(c.lbUrl);
	expect(cookies.find((k) => k.name === 'LOTLIVE_NODE')?.value, 'still on its node').toBe(node);
}

const badge = (page: Page) => page.getByTestId('sync-badge');
async function expectSaved(page: Page, timeout = 20_000) {
	await expect(badge(page)).toHaveAttribute('data-state', 'saved', { timeout });
}

async function selectSlot(page: Page, n: number) {
	await page.getByTestId('slot-card').nth(n).getByTestId('slot-select').click();
	await expect(page.getByTestId('slot-detail')).toHaveAttribute(
		'data-slot-id',
		(await page.getByTestId('slot-card').nth(n).getAttribute('data-slot-id'))!
	);
}

async function typeAtEnd(page: Page, text: string) {
	await page.getByTestId('script').click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(text, { delay: 15 });
}

async function storedScripts(id: string): Promise<string[]> {
	const r = await call(`${c.lbUrl}/api/v1/boards/${id}/slots`, { headers: { cookie: hostCookie } });
	expect(r.status).toBe(200);
	return (r.body as { slots: { script: string }[] }).slots.map((s) => s.script);
}

/** A lot no show uses yet, with its stock set to `onHand` and nothing locked. */
async function freshLot(onHand: number): Promise<string> {
	const [lot] = await sql`select id from lots where dropship_allowed and status = 'active'
		and id not in (select lot_id from show_slots) order by seq limit 1`;
	await sql`update lots set on_hand = ${onHand}, locked = 0, allocated = 0 where id = ${lot!.id}`;
	return lot!.id as string;
}

async function newShow(lotId: string, live: boolean): Promise<string> {
	const r = await call(`${c.lbUrl}/api/v1/shows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: hostCookie },
		body: JSON.stringify({ title: '集群演练专场', slots: [{ lotId }] })
	});
	expect(r.status).toBe(201);
	const showId = (r.body as { id: string }).id;
	if (live) {
		const s = await call(`${c.lbUrl}/api/v1/shows/${showId}/status`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: hostCookie },
			body: JSON.stringify({ status: 'live' })
		});
		expect(s.status).toBe(200);
	}
	return showId;
}

/** The stock invariant of one lot, and how far it is broken (0 = not oversold). */
async function stockOf(lotId: string) {
	const [lot] = await sql`select on_hand, locked, allocated from lots where id = ${lotId}`;
	const [held] = await sql`select coalesce(sum(quantity), 0)::int as n, count(*)::int as locks
		from stock_locks where lot_id = ${lotId} and status = 'active'`;
	const l = lot as { on_hand: number; locked: number; allocated: number };
	return {
		...l,
		activeLockUnits: held!.n as number,
		activeLocks: held!.locks as number,
		oversold: Math.max(0, l.locked + l.allocated - l.on_hand)
	};
}

test.beforeAll(async () => {
	test.setTimeout(240_000);
	c = await startCluster();
	sql = postgres(c.databaseUrl, { max: 2, onnotice: () => {} });
	hostCookie = await apiSignIn(c.lbUrl, HOST);
	asstCookie = await apiSignIn(c.lbUrl, ASSISTANT1);
});

test.afterAll(async () => {
	await hostCtx?.close().catch(() => {});
	await asstCtx?.close().catch(() => {});
	await sql?.end({ timeout: 2 }).catch(() => {});
	await c?.stop();
	const line = JSON.stringify({ clusterDrill: summary });
	console.log(line);
	mkdirSync('test-results', { recursive: true });
	writeFileSync('test-results/cluster-drill.json', line + '\n');
});

test('(a) board edits from node 1 and node 3 converge', async ({ browser }) => {
	hostCtx = await signedInContext(browser, HOST, 'node1');
	asstCtx = await signedInContext(browser, ASSISTANT1, 'node3');
	const list = await (await hostCtx.request.get('/api/v1/boards')).json();
	const demo = list.boards.find((b: { name: string }) => b.name === '周五晚 8 点 · 清仓专场');
	expect(demo).toBeTruthy();
	const dup = await hostCtx.request.post(`/api/v1/boards/${demo.id}/duplicate`, {
		data: { name: '集群演练看板' }
	});
	expect(dup.status()).toBe(201);
	boardId = (await dup.json()).id;

	hostPage = await hostCtx.newPage();
	asstPage = await asstCtx.newPage();
	await hostPage.goto(`/console/boards/${boardId}`);
	await asstPage.goto(`/console/boards/${boardId}`);
	await expectSaved(hostPage);
	await expectSaved(asstPage);
	await expectPinned(hostCtx, 'node1');
	await expectPinned(asstCtx, 'node3');
	await selectSlot(hostPage, 0);
	await selectSlot(asstPage, 0);

	await Promise.all([
		typeAtEnd(hostPage, '【节点一：主播】'),
		typeAtEnd(asstPage, '【节点三：场控】')
	]);
	for (const p of [hostPage, asstPage]) {
		await expect(p.getByTestId('script')).toHaveValue(/【节点一：主播】/);
		await expect(p.getByTestId('script')).toHaveValue(/【节点三：场控】/);
	}
	await expect
		.poll(
			async () =>
				(await hostPage!.getByTestId('script').inputValue()) ===
				(await asstPage!.getByTestId('script').inputValue())
		)
		.toBe(true);
	await expectSaved(hostPage);
	await expectSaved(asstPage);
	expect((await storedScripts(boardId))[0]).toBe(await hostPage.getByTestId('script').inputValue());
});

test('(b) 200-way lock contention through the balancer, kill -9 of node 2 mid-way', async () => {
	const lotId = await freshLot(100);
	const showId = await newShow(lotId, false);
	const clients = 200;
	let answered = 0;
	let killed = false;
	const outcomes = await Promise.all(
		Array.from({ length: clients }, async (_, i) => {
			await sleep(i); // all 200 arrive within 0.2 s; node 2 dies with requests in flight
			const key = crypto.randomUUID();
			summary.lockRequests++;
			const a = await postRetrying(
				`/api/v1/shows/${showId}/locks`,
				{ lotId, quantity: 1 },
				{ cookie: asstCookie, 'idempotency-key': key },
				() => summary.lockRetries++
			);
			if (++answered === 20 && !killed) {
				killed = true;
				summary.faults.push('kill -9 node2 during 200-way lock contention');
				void c.kill(1, 'SIGKILL');
			}
			return a;
		})
	);
	expect(killed).toBe(true);
	// 201: granted; 200: a retry whose first attempt had been granted (Idempotency-Key replay)
	const granted = outcomes.filter((o) => o.status === 201 || o.status === 200);
	summary.lockReplays += outcomes.filter((o) => o.status === 200).length;
	const refused = outcomes.filter((o) => o.status === 409);
	expect(granted.length + refused.length, 'every client got a definite answer').toBe(clients);
	for (const r of refused) expect(r.body).toMatchObject({ error: { code: 'insufficient_stock' } });

	const stock = await stockOf(lotId);
	summary.oversold += stock.oversold + Math.max(0, stock.activeLockUnits - 100);
	expect(stock.oversold).toBe(0);
	expect(stock.locked).toBe(stock.activeLockUnits);
	expect(stock.activeLockUnits).toBeLessThanOrEqual(100);
	// every lock in the database was handed to exactly one client: a retried request that had
	// already been granted on the dead node got that same lock back, not a second one
	const handed = granted.map((g) => (g.body as { lock: { id: string } }).lock.id);
	expect(new Set(handed).size, 'no lock handed out twice').toBe(handed.length);
	const inDb = (
		await sql`select id from stock_locks where lot_id = ${lotId} and status = 'active'`
	).map((r) => r.id as string);
	expect(inDb.sort(), 'no lock granted that no client holds').toEqual([...handed].sort());
	expect(granted).toHaveLength(100);

	// bad input through the balancer during the drill: 4xx, never 5xx
	const bad: [unknown, string][] = [
		[{ lotId, quantity: -1 }, 'quantity'],
		[{ lotId, quantity: 'many' }, 'quantity'],
		[{ quantity: 1 }, 'lotId'],
		[{ lotId: 'not-a-uuid', quantity: 1 }, 'lotId']
	];
	for (const [body, field] of bad) {
		summary.badInputRequests++;
		// retried only when no node answered (a connection the balancer closed after the kill)
		const a = await postRetrying(`/api/v1/shows/${showId}/locks`, body, { cookie: asstCookie });
		if (a.status >= 500) summary.badInput5xx++;
		expect(a.status).toBe(400);
		expect(a.body).toMatchObject({ error: { field } });
	}
	summary.badInputRequests++;
	const malformed = await postRetrying(`/api/v1/shows/${showId}/locks`, '{"lotId":', {
		cookie: asstCookie
	});
	if (malformed.status >= 500) summary.badInput5xx++;
	expect(malformed.status).toBe(400);

	// the dead node holds nothing: once the locks' expiry has passed (time moved forward here),
	// the surviving nodes' expiry job releases every one of them
	await sql`update stock_locks set expires_at = now() - interval '1 second'
		where lot_id = ${lotId} and status = 'active'`;
	await expect
		.poll(async () => (await stockOf(lotId)).locked, { timeout: 25_000, intervals: [500] })
		.toBe(0);
	expect((await stockOf(lotId)).activeLocks).toBe(0);

	await c.startNode(1);
	await c.lbSees(1, true);
});

test('(c) webhook order burst, kill -9 of node 3 mid-burst: every order once, none lost', async () => {
	const tokenRes = await call(`${c.lbUrl}/api/v1/tokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: hostCookie },
		body: JSON.stringify({ name: '集群演练 webhook' })
	});
	expect(tokenRes.status).toBe(201);
	const token = (tokenRes.body as { token: string }).token;
	const lotId = await freshLot(300);
	const showId = await newShow(lotId, true);
	const lock = await postRetrying(
		`/api/v1/shows/${showId}/locks`,
		{ lotId, quantity: 300 },
		{ cookie: hostCookie, 'idempotency-key': crypto.randomUUID() },
		() => {}
	);
	expect(lock.status).toBe(201);

	const orders = 350; // 300 units locked: the last 50 must be refused, not oversold
	const prefix = `DRILL-C-${Date.now()}-`;
	let next = 0;
	let answered = 0;
	let killed = false;
	const results = new Map<string, Answer>();
	const shipTo = {
		name: '李娜',
		phone: '13805310001',
		province: '山东省',
		city: '济南市',
		district: '历下区',
		address: '泉城路 188 号'
	};
	async function worker() {
		for (;;) {
			const i = next++;
			if (i >= orders) return;
			const externalId = prefix + i;
			summary.orderRequests++;
			const a = await postRetrying(
				'/api/v1/orders',
				{
					externalId,
					showId,
					lines: [{ lotId, quantity: 1, unitPrice: 3500 }],
					shipTo,
					paidAt: new Date().toISOString()
				},
				{ authorization: `Bearer ${token}` },
				() => summary.orderRetries++
			);
			results.set(externalId, a);
			if (++answered === 100 && !killed) {
				killed = true;
				summary.faults.push('kill -9 node3 during webhook burst');
				void c.kill(2, 'SIGKILL');
			}
		}
	}
	await Promise.all(Array.from({ length: 25 }, worker));
	expect(killed).toBe(true);

	const accepted = [...results].filter(([, a]) => a.status === 200 || a.status === 201);
	const refused = [...results].filter(([, a]) => a.status === 409);
	expect(accepted.length + refused.length, 'every order got a definite answer').toBe(orders);
	for (const [, a] of refused)
		expect(a.body).toMatchObject({ error: { code: 'insufficient_stock' } });

	const rows = await sql`select external_id, count(*)::int as n from orders
		where external_id like ${prefix + '%'} group by external_id`;
	const inDb = new Map(rows.map((r) => [r.external_id as string, r.n as number]));
	summary.ordersLost += accepted.filter(([id]) => !inDb.has(id)).length;
	summary.ordersDoubled += [...inDb.values()].filter((n) => n > 1).length;
	const unacknowledged = [...inDb.keys()].filter((id) => results.get(id)?.status === 409);
	expect(summary.ordersLost, 'orders acknowledged but not stored').toBe(0);
	expect(summary.ordersDoubled, 'orders stored twice').toBe(0);
	expect(unacknowledged, 'orders stored but answered as refused').toEqual([]);
	expect(accepted).toHaveLength(300);
	const stock = await stockOf(lotId);
	summary.oversold += stock.oversold;
	expect(stock).toMatchObject({ on_hand: 300, allocated: 300, locked: 0, oversold: 0 });

	// malformed webhooks during the drill: 4xx naming the field, never 5xx
	for (const [body, field] of [
		[{ externalId: 'X', showId, lines: [] }, 'lines'],
		[
			{ externalId: 'X', showId, lines: [{ lotId, quantity: 0, unitPrice: 1 }] },
			'lines.0.quantity'
		],
		[
			{ externalId: 'X', showId, lines: [{ lotId, quantity: 1, unitPrice: 1.5 }] },
			'lines.0.unitPrice'
		]
	] as [unknown, string][]) {
		summary.badInputRequests++;
		const a = await postRetrying('/api/v1/orders', body, { authorization: `Bearer ${token}` });
		if (a.status >= 500) summary.badInput5xx++;
		expect(a.status).toBe(400);
		expect((a.body as { error: { field: string } }).error.field).toMatch(new RegExp(`^${field}`));
	}

	await c.startNode(2);
	await c.lbSees(2, true);
});

test('(d) Postgres restart mid-load: 503 + Retry-After, nodes reconnect, no board edit lost', async () => {
	test.setTimeout(180_000);
	expect(hostPage && asstPage, 'drill (a) left its board pages open').toBeTruthy();
	const lotId = await freshLot(100_000);
	const showId = await newShow(lotId, false);

	// background load through the balancer: reads and 1-unit locks, no retries (answers recorded)
	let loading = true;
	const answers: { status: number; retryAfter: string | null; at: number }[] = [];
	async function load(kind: 'read' | 'lock') {
		while (loading) {
			const a =
				kind === 'read'
					? await call(`${c.lbUrl}/api/v1/lots/${lotId}/stock`, { headers: { cookie: asstCookie } })
					: await call(`${c.lbUrl}/api/v1/shows/${showId}/locks`, {
							method: 'POST',
							headers: {
								'content-type': 'application/json',
								cookie: asstCookie,
								'idempotency-key': crypto.randomUUID()
							},
							body: JSON.stringify({ lotId, quantity: 1 })
						});
			answers.push({ status: a.status, retryAfter: a.retryAfter, at: Date.now() });
			await sleep(50);
		}
	}
	const loaders = [load('read'), load('read'), load('lock'), load('lock')];
	await sleep(1000);

	summary.faults.push('Postgres restart mid-load (pg_ctl stop -m fast … start)');
	const down = Date.now();
	await c.pg.stop('fast');

	// every node answers 503 + Retry-After (not 500) for API calls, pages and /healthz
	for (const n of c.nodes) {
		const api = await call(`${n.url}/api/v1/lots/${lotId}/stock`, {
			headers: { cookie: asstCookie }
		});
		expect(api.status, `${n.name} API during the outage`).toBe(503);
		expect(Number(api.retryAfter)).toBeGreaterThan(0);
		expect(api.body).toMatchObject({ error: { code: 'unavailable' } });
		const health = await call(`${n.url}/healthz`);
		expect(health.status).toBe(503);
		expect(health.retryAfter).not.toBeNull();
	}
	const page = await call(`${c.nodes[0]!.url}/console/boards`, {
		headers: { cookie: hostCookie, accept: 'text/html' }
	});
	expect(page.status, 'a page during the outage').toBe(503);
	expect(page.retryAfter).not.toBeNull();

	// an edit made during the outage: kept by the browser (IndexedDB), saved after recovery
	await selectSlot(hostPage!, 1);
	await typeAtEnd(hostPage!, '【数据库重启期间写下】');
	await expect(badge(hostPage!)).not.toHaveAttribute('data-state', 'saved');
	await sleep(800); // y-indexeddb stores the update
	await hostPage!.close(); // the tab is gone: only IndexedDB (and the node's memory) has it

	const restartAt = Math.max(0, 4000 - (Date.now() - down));
	await sleep(restartAt);
	await c.pg.start();
	const up = Date.now();
	summary.outageMs = up - down;

	// recovery: first 2xx through the balancer for a request that needs the database
	for (;;) {
		const a = await call(`${c.lbUrl}/api/v1/lots/${lotId}/stock`, {
			headers: { cookie: asstCookie }
		});
		if (a.status === 200) break;
		expect(Date.now() - up, 'recovered within 30 s').toBeLessThan(30_000);
		await sleep(100);
	}
	summary.recoveryMs = Date.now() - up;
	await sleep(1000);
	loading = false;
	await Promise.all(loaders);

	for (const a of answers) {
		expect([0, 200, 201, 409, 502, 503], `answer ${a.status} during the outage`).toContain(
			a.status
		);
		if (a.status === 503) {
			summary.outage503++;
			if (!a.retryAfter) summary.outage503WithoutRetryAfter++;
		}
	}
	expect(answers.filter((a) => a.status === 500)).toHaveLength(0);
	expect(summary.outage503).toBeGreaterThan(0);
	expect(summary.outage503WithoutRetryAfter).toBe(0);
	const stock = await stockOf(lotId);
	expect(stock.oversold).toBe(0);
	expect(stock.locked).toBe(stock.activeLockUnits);

	// the nodes are all alive and healthy again, on their own
	for (const n of c.nodes) {
		expect(n.proc!.exitCode, `${n.name} still running`).toBeNull();
		await c.waitHealthy(n.url, 15_000);
	}

	// the edit typed during the outage reaches Postgres once the tab is open again (IndexedDB)
	hostPage = await hostCtx!.newPage();
	await hostPage.goto(`/console/boards/${boardId}`);
	await expectSaved(hostPage, 30_000);
	await expect
		.poll(async () => (await storedScripts(boardId))[1], { timeout: 20_000 })
		.toContain('【数据库重启期间写下】');
	// …and reaches the assistant on node 3 through the board relay (its LISTEN reconnected)
	await selectSlot(asstPage!, 1);
	await expect(asstPage!.getByTestId('script')).toHaveValue(/【数据库重启期间写下】/, {
		timeout: 20_000
	});

	// socket.io's Postgres adapter reconnected too: a lock through node 3 reaches a watcher on node 1
	const watcher: Socket = connect(c.nodes[0]!.url, {
		transports: ['websocket'],
		extraHeaders: { cookie: asstCookie },
		reconnection: false
	});
	await new Promise((r) => watcher.on('HelloV1', r));
	const snap = await watcher.timeout(5000).emitWithAck('ShowWatchV1', { showId });
	expect(snap.ok).toBe(true);
	let seen = 0;
	watcher.on('ShowStockChangedV1', () => seen++);
	await expect
		.poll(
			async () => {
				await call(`${c.nodes[2]!.url}/api/v1/shows/${showId}/locks`, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						cookie: asstCookie,
						'idempotency-key': crypto.randomUUID()
					},
					body: JSON.stringify({ lotId, quantity: 1 })
				});
				return seen;
			},
			{ timeout: 20_000, intervals: [1000] }
		)
		.toBeGreaterThan(0);
	watcher.close();
});

test('(e) SIGTERM drains in-flight lock requests and flushes board saves before exit', async () => {
	// node 2 with a long save debounce, so its board save is still pending when SIGTERM arrives
	await c.kill(1, 'SIGTERM');
	await c.startNode(1, { COLLAB_SAVE_DEBOUNCE_MS: '5000', COLLAB_SAVE_MAX_WAIT_MS: '20000' });
	const node2 = c.nodes[1]!;
	const session = hostCookie.split('=')[1]!;
	const client = collabClient(node2.url, boardId, session);
	await client.synced(15_000);
	const slot = orderedSlotMaps(client.doc)[2]!;
	const text = `【SIGTERM 前写下 ${Date.now()}】`;
	client.doc.transact(() => {
		const script = slot.map.get('script');
		if (script instanceof Y.Text) script.insert(script.length, text);
		else slot.map.set('script', new Y.Text(text));
	});
	await sleep(300); // on the wire and applied by node 2; its save waits for the debounce
	expect(client.isSaved()).toBe(false);

	const lotId = await freshLot(1000);
	const showId = await newShow(lotId, false);
	const inflight = Array.from({ length: 60 }, () =>
		call(`${node2.url}/api/v1/shows/${showId}/locks`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				cookie: asstCookie,
				'idempotency-key': crypto.randomUUID()
			},
			body: JSON.stringify({ lotId, quantity: 1 })
		})
	);
	// the first answer: node 2 is granting, the other requests are connected and in flight
	await Promise.race(inflight);
	summary.faults.push('SIGTERM node2 with lock requests and a board save in flight');
	await c.kill(1, 'SIGTERM');
	client.close();
	const answers = await Promise.all(inflight);
	const granted = answers.filter((a) => a.status === 201).length;
	summary.sigtermInFlightAnswered = granted;
	summary.sigtermNotConnected = answers.filter((a) => a.status === 0).length;
	expect(
		answers.filter((a) => a.status !== 201 && a.status !== 0),
		'in-flight requests answered 201'
	).toEqual([]);
	// requests that reached the node before SIGTERM were answered; only ones that had not even
	// connected may be refused, and none of those may have taken stock
	const stock = await stockOf(lotId);
	expect(stock.activeLockUnits).toBe(granted);
	expect(stock.oversold).toBe(0);
	expect(granted).toBeGreaterThan(0);

	expect(node2.proc!.exitCode, 'node 2 exited cleanly').toBe(0);
	expect((await storedScripts(boardId))[2]).toContain(text);

	await c.startNode(1);
});

test('(g) restore drill: pg_dump -Fc, pg_restore into a new database, a node serves the copy', async () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-restore-'));
	const dump = path.join(dir, 'lotlive.dump');
	const restoredUrl = c.pg.url('lotlive_restore');
	let node: ChildProcess | undefined;
	try {
		const tables = ['users', 'lots', 'orders', 'stock_locks', 'board_updates', 'ledger_entries'];
		const counts = async (db: postgres.Sql) => {
			const out: Record<string, number> = {};
			for (const t of tables)
				out[t] = Number((await db.unsafe(`select count(*)::int as n from ${t}`))[0]!.n);
			return out;
		};
		execFileSync(pgBin('pg_dump'), ['-Fc', '-d', c.databaseUrl, '-f', dump]);
		const before = await counts(sql);
		await sql.unsafe('create database lotlive_restore');
		execFileSync(pgBin('pg_restore'), ['--no-owner', '-d', restoredUrl, dump]);
		const restored = postgres(restoredUrl, { max: 1, onnotice: () => {} });
		try {
			expect(await counts(restored)).toEqual(before);
			expect(before.orders).toBeGreaterThan(0);
			const [oversold] = await restored`select count(*)::int as n from lots
				where locked + allocated > on_hand`;
			expect(oversold!.n).toBe(0);
			const [unbalanced] = await restored`select count(*)::int as n from (
				select transaction_id from ledger_entries group by 1 having sum(amount_fen) <> 0) t`;
			expect(unbalanced!.n).toBe(0);
		} finally {
			await restored.end();
		}
		// a node on the copy (no jobs: it must not expire or settle anything) serves it
		const port = PORTS.restored;
		node = spawn(process.execPath, ['server/index.js'], {
			env: {
				...process.env,
				NODE_ENV: 'production',
				LOG_LEVEL: 'error',
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: `http://127.0.0.1:${port}`,
				DATABASE_URL: restoredUrl,
				JOBS: 'false',
				SEED_DEMO: 'false'
			},
			stdio: ['ignore', 'ignore', 'inherit']
		});
		await c.waitHealthy(`http://127.0.0.1:${port}`, 60_000);
		const cookie = await apiSignIn(`http://127.0.0.1:${port}`, HOST);
		const r = await call(`http://127.0.0.1:${port}/api/v1/boards/${boardId}/slots`, {
			headers: { cookie }
		});
		expect(r.status).toBe(200);
		expect((r.body as { slots: { script: string }[] }).slots[0]!.script).toContain(
			'【节点一：主播】'
		);
	} finally {
		if (node && node.exitCode === null) {
			const exited = new Promise((r) => node!.once('exit', r));
			node.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	}
});

// Last, so the drills above run whatever this finds (a serial file stops at its first failure).
test('(f) board presence from node 1 and node 3 converges', async () => {
	for (const p of [hostPage, asstPage]) if (p && !p.isClosed()) await p.close();
	for (const i of [0, 2]) await c.lbSees(i, true);
	await pin(hostCtx!, 'node1');
	await pin(asstCtx!, 'node3');
	hostPage = await hostCtx!.newPage();
	asstPage = await asstCtx!.newPage();
	await hostPage.goto(`/console/boards/${boardId}`);
	await asstPage.goto(`/console/boards/${boardId}`);
	await expectSaved(hostPage);
	await expectSaved(asstPage);
	await expectPinned(hostCtx!, 'node1');
	await expectPinned(asstCtx!, 'node3');
	// each sees both people although they are on different nodes
	await expect(hostPage.getByTestId('presence-peer')).toHaveCount(2, { timeout: 15_000 });
	await expect(asstPage.getByTestId('presence-peer')).toHaveCount(2, { timeout: 15_000 });
	// and leaving is seen across nodes too
	await asstPage.close();
	await expect(hostPage.getByTestId('presence-peer')).toHaveCount(1, { timeout: 15_000 });
});
