// The collab layer's persistence of boards: debounce and max wait, one save at a time, a failed
// save keeps the document and retries, compaction, saved acknowledgements, and a "restart"
// (a new collab instance on the same database) that loses nothing acknowledged as saved.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import {
	addSlot,
	buildBoardState,
	readSlots,
	slotsMap,
	setSlotField
} from '../../src/lib/collab/board';
import { resolveCollabAccess } from '../../src/lib/server/module';
import {
	createCollab,
	type CollabOptions,
	type CollabPersistence
} from '../../src/lib/server/collab/server';
import {
	addViewer,
	archiveBoard,
	createBoardWithContent,
	restoreBoard
} from '../../src/lib/server/boards/service';
import { setCurrentCollab } from '../../src/lib/server/collab/server';
import {
	createBoardPersistence,
	loadBoardState,
	pendingRowCount
} from '../../src/lib/server/boards/store';
import { slotsFromState } from '../../src/lib/collab/board';
import { db } from '../../src/lib/server/db';
import { boardSnapshots, lots } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { collabClient, type CollabClient } from '../helpers/collab-client';
import { makeMember, makeUser } from '../helpers/users';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startCollab(opts: Partial<CollabOptions> & { persistence?: CollabPersistence }) {
	const collab = createCollab({
		resolveAccess: resolveCollabAccess,
		persistence: opts.persistence ?? createBoardPersistence(),
		...opts
	});
	const server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => void collab.handleUpgrade(req, socket, head));
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		collab,
		url,
		async stop() {
			const closed = new Promise((r) => server.close(r));
			await collab.close();
			server.closeAllConnections();
			await closed;
		}
	};
}

let host: Awaited<ReturnType<typeof makeUser>>;
let lotIds: string[];
const clients: CollabClient[] = [];
const servers: { stop: () => Promise<void> }[] = [];

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await makeUser('host');
	lotIds = (await db().select({ id: lots.id }).from(lots).limit(3)).map((l) => l.id);
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.close();
	for (const s of servers.splice(0)) await s.stop();
});

async function newBoard() {
	return createBoardWithContent(
		host.orgId,
		host.userId,
		'持久化',
		buildBoardState({}, [{ lotId: lotIds[0]! }, { lotId: lotIds[1]! }])
	);
}

function client(url: string, boardId: string, token = host.token) {
	const c = collabClient(url, boardId, token);
	clients.push(c);
	return c;
}

const firstSlot = (doc: Y.Doc) => readSlots(doc)[0]!;
const scriptOf = (doc: Y.Doc) => slotsMap(doc).get(firstSlot(doc).id)!.get('script') as Y.Text;

async function stored(boardId: string) {
	return slotsFromState(await loadBoardState(boardId)).slots;
}

describe('saving board documents', () => {
	it('saves once after the debounce, then acknowledges the client as saved', async () => {
		const s = await startCollab({ saveDebounceMs: 300, saveMaxWaitMs: 10_000 });
		servers.push(s);
		const boardId = await newBoard();
		const c = client(s.url, boardId);
		await c.saved();
		for (const ch of ['瑕', '疵', '在', '袖', '口']) {
			scriptOf(c.doc).insert(scriptOf(c.doc).length, ch);
			await sleep(40);
		}
		expect(c.isSaved()).toBe(false);
		await sleep(100);
		// still inside the debounce window of the last keystroke
		expect(await pendingRowCount(boardId)).toBe(0);
		await c.saved();
		expect(await pendingRowCount(boardId)).toBe(1);
		expect((await stored(boardId))[0]!.script).toBe('瑕疵在袖口');
	});

	it('saves during continuous typing once the max wait is reached', async () => {
		const s = await startCollab({ saveDebounceMs: 400, saveMaxWaitMs: 300 });
		servers.push(s);
		const boardId = await newBoard();
		const c = client(s.url, boardId);
		await c.saved();
		const started = Date.now();
		while (Date.now() - started < 1300) {
			scriptOf(c.doc).insert(0, '字');
			await sleep(50);
		}
		// a 400 ms debounce alone would not have saved at all while typing every 50 ms
		expect(await pendingRowCount(boardId)).toBeGreaterThanOrEqual(2);
		await c.saved();
		expect((await stored(boardId))[0]!.script).toBe(scriptOf(c.doc).toString());
	});

	it('runs one save at a time per document', async () => {
		const base = createBoardPersistence();
		let inFlight = 0;
		let maxInFlight = 0;
		let saves = 0;
		const slow: CollabPersistence = {
			...base,
			async save(docId, update, nodeId) {
				inFlight++;
				maxInFlight = Math.max(maxInFlight, inFlight);
				try {
					await sleep(150);
					await base.save(docId, update, nodeId);
					saves++;
				} finally {
					inFlight--;
				}
			}
		};
		const s = await startCollab({ persistence: slow, saveDebounceMs: 0, saveMaxWaitMs: 0 });
		servers.push(s);
		const boardId = await newBoard();
		const a = client(s.url, boardId);
		const b = client(s.url, boardId);
		await Promise.all([a.saved(), b.saved()]);
		for (let i = 0; i < 20; i++) {
			scriptOf(i % 2 ? a.doc : b.doc).insert(0, String(i % 10));
			await sleep(15);
		}
		await Promise.all([a.saved(), b.saved()]);
		expect(maxInFlight).toBe(1);
		// edits that arrived during a save were batched into the next one
		expect(saves).toBeLessThan(20);
		expect((await stored(boardId))[0]!.script).toBe(scriptOf(a.doc).toString());
	});

	it('keeps the document in memory after a failed save and retries until it is stored', async () => {
		let failing = true;
		let attempts = 0;
		const s = await startCollab({
			persistence: createBoardPersistence({ fail: () => (attempts++, failing) }),
			saveDebounceMs: 20,
			saveMaxWaitMs: 50,
			retryBaseMs: 50,
			retryMaxMs: 200
		});
		servers.push(s);
		const boardId = await newBoard();
		const a = client(s.url, boardId);
		await a.synced();
		setSlotField(a.doc, firstSlot(a.doc).id, 'livePriceFen', 4990);
		await sleep(600);
		expect(attempts).toBeGreaterThanOrEqual(2);
		expect(a.isSaved()).toBe(false);
		expect(await pendingRowCount(boardId)).toBe(0);
		// the only client leaves: the document must stay (unsaved) and keep retrying
		a.close();
		clients.splice(clients.indexOf(a), 1);
		await sleep(300);
		expect(s.collab.stats().find((d) => d.docId === boardId)).toMatchObject({ conns: 0 });
		expect(s.collab.stats().find((d) => d.docId === boardId)!.pending).toBeGreaterThan(0);
		// someone else opens the board meanwhile and still sees the unsaved edit
		const b = client(s.url, boardId);
		await b.synced();
		expect(firstSlot(b.doc).livePriceFen).toBe(4990);
		b.close();
		clients.splice(clients.indexOf(b), 1);
		failing = false;
		await expect
			.poll(async () => (await stored(boardId))[0]!.livePriceFen, { timeout: 5000 })
			.toBe(4990);
		// saved and nobody connected: unloaded
		await expect.poll(() => s.collab.stats().length, { timeout: 5000 }).toBe(0);
	});

	it('compacts appended updates into the snapshot, and on unload', async () => {
		const s = await startCollab({ saveDebounceMs: 0, saveMaxWaitMs: 0, compactEvery: 3 });
		servers.push(s);
		const boardId = await newBoard();
		const [before] = await db()
			.select({ compactions: boardSnapshots.compactions })
			.from(boardSnapshots)
			.where(eq(boardSnapshots.boardId, boardId));
		const c = client(s.url, boardId);
		await c.saved();
		for (let i = 0; i < 7; i++) {
			scriptOf(c.doc).insert(0, String(i));
			await c.saved();
		}
		await expect.poll(() => pendingRowCount(boardId), { timeout: 3000 }).toBeLessThan(3);
		const [mid] = await db()
			.select({ compactions: boardSnapshots.compactions })
			.from(boardSnapshots)
			.where(eq(boardSnapshots.boardId, boardId));
		expect(mid!.compactions).toBeGreaterThan(before!.compactions);
		c.close();
		clients.splice(clients.indexOf(c), 1);
		await expect.poll(() => s.collab.stats().length, { timeout: 3000 }).toBe(0);
		expect(await pendingRowCount(boardId)).toBe(0);
		expect((await stored(boardId))[0]!.script).toBe('6543210');
	});

	it('loses nothing acknowledged as saved across a restart, and flushes unsaved edits on shutdown', async () => {
		const boardId = await newBoard();
		const first = await startCollab({ saveDebounceMs: 50, saveMaxWaitMs: 200 });
		const a = client(first.url, boardId);
		await a.synced();
		const newSlot = addSlot(a.doc, { lotId: lotIds[2]!, script: '新加的货' }, 0);
		await a.saved();
		// typed just before the shutdown, inside the debounce window: the shutdown saves it
		scriptOf(a.doc).insert(0, '最后一句');
		await sleep(5);
		expect(a.isSaved()).toBe(false);
		// the server stops while the client is still connected
		await first.stop();
		a.close();
		clients.splice(clients.indexOf(a), 1);

		const second = await startCollab({});
		servers.push(second);
		const b = client(second.url, boardId);
		await b.synced();
		const slots = readSlots(b.doc);
		expect(slots[0]!.id).toBe(newSlot);
		expect(slots[0]!.script).toBe('最后一句新加的货');
		expect(slots).toHaveLength(3);
	});

	it('answers a cold load of a large board from its snapshot, also to clients that have state', async () => {
		const inits = Array.from({ length: 120 }, (_, i) => ({
			lotId: lotIds[i % lotIds.length]!,
			script: `第${i + 1}号：袖口线头，不影响穿着，镜头前展示。`.repeat(2),
			checklist: [{ text: '试穿' }, { text: '特写' }]
		}));
		const state = buildBoardState({}, inits);
		expect(state.length).toBeGreaterThan(16 * 1024); // takes the fast path
		const boardId = await createBoardWithContent(host.orgId, host.userId, '大看板', state);
		const s = await startCollab({ saveDebounceMs: 20, saveMaxWaitMs: 50 });
		servers.push(s);
		const a = client(s.url, boardId);
		await a.synced();
		expect(readSlots(a.doc)).toHaveLength(120);
		// edit at once, while the server may still be applying the snapshot
		scriptOf(a.doc).insert(0, '冷启动后马上改');
		await a.saved();
		a.close();
		clients.splice(clients.indexOf(a), 1);
		await expect.poll(() => s.collab.stats().length, { timeout: 5000 }).toBe(0);
		// a returning client (non-empty state vector, an offline edit of its own) after unload
		const doc = new Y.Doc();
		Y.applyUpdate(doc, state);
		const mine = new Y.Doc();
		Y.applyUpdate(mine, Y.encodeStateAsUpdate(doc));
		setSlotField(mine, readSlots(mine)[5]!.id, 'lockQty', 77);
		const b = collabClient(s.url, boardId, host.token, { doc: mine });
		clients.push(b);
		await b.saved();
		expect(firstSlot(b.doc).script.startsWith('冷启动后马上改')).toBe(true);
		const after = await stored(boardId);
		expect(after[5]!.lockQty).toBe(77);
		expect(after[0]!.script.startsWith('冷启动后马上改')).toBe(true);
	});

	it('drops updates from read-only viewers but still acknowledges them', async () => {
		const s = await startCollab({ saveDebounceMs: 0, saveMaxWaitMs: 0 });
		servers.push(s);
		const boardId = await newBoard();
		const other = await makeUser('host');
		const viewer = await makeMember('assistant', other.orgId);
		await addViewer(sessionPrincipal(host.user), boardId, { email: viewer.email });
		const v = client(s.url, boardId, viewer.token);
		const h = client(s.url, boardId, host.token);
		await Promise.all([v.saved(), h.saved()]);
		setSlotField(v.doc, firstSlot(v.doc).id, 'lockQty', 999);
		await v.saved();
		scriptOf(h.doc).insert(0, '主播改的');
		await h.saved();
		await v.until(() => firstSlot(v.doc).script === '主播改的');
		expect(firstSlot(h.doc).lockQty).toBe(0);
		expect((await stored(boardId))[0]!.lockQty).toBe(0);
	});
});

describe('access on the sync connection', () => {
	it('drops presence states that claim to be someone else', async () => {
		const s = await startCollab({});
		servers.push(s);
		const boardId = await newBoard();
		const mate = await makeMember('assistant', host.orgId);
		const a = client(s.url, boardId, host.token);
		const b = client(s.url, boardId, mate.token);
		await Promise.all([a.synced(), b.synced()]);
		const seenByB = () =>
			[...b.provider.awareness.getStates().values()].map(
				(st) => (st as { user?: { id?: string; name?: string } }).user
			);
		a.provider.awareness.setLocalState({ user: { id: mate.userId, name: '冒充的人' } });
		await sleep(300);
		expect(seenByB().some((u) => u?.name === '冒充的人')).toBe(false);
		a.provider.awareness.setLocalState({ user: { id: host.userId, name: '真主播' }, slotId: 'x' });
		await b.until(() => seenByB().some((u) => u?.name === '真主播'), 5000, 'presence');
	});

	it('reconnects open editors read-only when the board is archived, and writable after restore', async () => {
		const s = await startCollab({ saveDebounceMs: 0, saveMaxWaitMs: 0 });
		servers.push(s);
		setCurrentCollab(s.collab);
		try {
			const boardId = await newBoard();
			const actor = sessionPrincipal(host.user);
			const a = client(s.url, boardId);
			await a.saved();
			let closes = 0;
			a.provider.on('connection-close', () => closes++);
			expect(a.access()).toBe('write');
			await archiveBoard(actor, boardId);
			await a.until(() => closes > 0 && a.provider.synced, 10_000, 'reconnected');
			expect(a.access()).toBe('read');
			setSlotField(a.doc, firstSlot(a.doc).id, 'lockQty', 55);
			await a.saved();
			expect((await stored(boardId))[0]!.lockQty).toBe(0);
			await restoreBoard(actor, boardId);
			await a.until(() => closes > 1 && a.provider.synced, 10_000, 'reconnected again');
			expect(a.access()).toBe('write');
			// the edit made while read-only is still in this client and is sent again now
			await a.saved();
			await expect.poll(async () => (await stored(boardId))[0]!.lockQty).toBe(55);
		} finally {
			setCurrentCollab(undefined);
		}
	});
});
