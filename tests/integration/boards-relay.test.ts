// Several nodes on one database: an edit through node A reaches a client of node B through
// Postgres LISTEN/NOTIFY (inline when small, by row id when large), is stored once, is not
// echoed back, and a node that opens the board later reads what the others saved.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { buildBoardState, readSlots, setSlotField, slotsMap } from '../../src/lib/collab/board';
import { resolveCollabAccess } from '../../src/lib/server/module';
import { createCollab, type CollabPersistence } from '../../src/lib/server/collab/server';
import { createBoardWithContent } from '../../src/lib/server/boards/service';
import { appendBoardUpdate, createBoardPersistence } from '../../src/lib/server/boards/store';
import { db, dbHandle } from '../../src/lib/server/db';
import { boardUpdates, lots } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { collabClient, type CollabClient } from '../helpers/collab-client';
import { spawnNode } from '../helpers/spawn-node';
import { makeUser } from '../helpers/users';

async function startNode(nodeId: string, persistence: CollabPersistence) {
	const collab = createCollab({
		resolveAccess: resolveCollabAccess,
		persistence,
		nodeId,
		saveDebounceMs: 30,
		saveMaxWaitMs: 100
	});
	const server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => void collab.handleUpgrade(req, socket, head));
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		collab,
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
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
beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await makeUser('host');
	lotIds = (await db().select({ id: lots.id }).from(lots).limit(2)).map((l) => l.id);
});
afterEach(() => {
	for (const c of clients.splice(0)) c.close();
});

const newBoard = () =>
	createBoardWithContent(
		host.orgId,
		host.userId,
		'多节点',
		buildBoardState({}, [{ lotId: lotIds[0]! }, { lotId: lotIds[1]! }])
	);
function client(url: string, boardId: string) {
	const c = collabClient(url, boardId, host.token);
	clients.push(c);
	return c;
}
const first = (doc: Y.Doc) => readSlots(doc)[0]!;
const scriptOf = (doc: Y.Doc) => slotsMap(doc).get(first(doc).id)!.get('script') as Y.Text;
const rowsBy = async (boardId: string, nodeId: string) =>
	(
		await db()
			.select({ n: sql<number>`count(*)`.mapWith(Number) })
			.from(boardUpdates)
			.where(sql`${boardUpdates.boardId} = ${boardId} and ${boardUpdates.nodeId} = ${nodeId}`)
	)[0]!.n;

// The relay code path (NOTIFY in the save's statement, LISTEN, apply without re-saving) runs
// on Postgres and PGlite alike, so two collab nodes in this process exercise it on both.
describe(`two collab nodes on one ${dbHandle().kind} database`, () => {
	let a: Awaited<ReturnType<typeof startNode>>;
	let b: Awaited<ReturnType<typeof startNode>>;
	let savesByB = 0;
	beforeAll(async () => {
		a = await startNode('node-a', createBoardPersistence({ relay: true }));
		const pb = createBoardPersistence({ relay: true });
		b = await startNode('node-b', {
			...pb,
			save: async (...args) => {
				savesByB++;
				await pb.save(...args);
			}
		});
	});
	afterAll(async () => {
		for (const c of clients.splice(0)) c.close();
		await a.stop();
		await b.stop();
	});

	it('relays an edit from a client of A to a client of B, stored once and never echoed', async () => {
		const boardId = await newBoard();
		const ca = client(a.url, boardId);
		const cb = client(b.url, boardId);
		await Promise.all([ca.saved(), cb.saved()]);
		const before = savesByB;
		scriptOf(ca.doc).insert(0, '从A节点输入');
		setSlotField(ca.doc, first(ca.doc).id, 'livePriceFen', 2990);
		await cb.until(() => scriptOf(cb.doc).toString() === '从A节点输入', 5000, 'relay to B');
		expect(first(cb.doc).livePriceFen).toBe(2990);
		await ca.saved();
		// give an echo time to happen if there were one
		await new Promise((r) => setTimeout(r, 400));
		expect(savesByB).toBe(before);
		expect(await rowsBy(boardId, 'node-b')).toBe(0);
		expect(await rowsBy(boardId, 'node-a')).toBeGreaterThanOrEqual(1);
		expect(scriptOf(ca.doc).toString()).toBe('从A节点输入');

		// and back: an edit through B reaches A
		scriptOf(cb.doc).insert(scriptOf(cb.doc).length, '，B节点补充');
		await ca.until(() => scriptOf(ca.doc).toString() === '从A节点输入，B节点补充', 5000, 'B to A');
	});

	it('relays a large update (over the NOTIFY limit) by row id', async () => {
		const boardId = await newBoard();
		const ca = client(a.url, boardId);
		const cb = client(b.url, boardId);
		await Promise.all([ca.saved(), cb.saved()]);
		const big = '尾货清仓直播专供'.repeat(2000); // ~48 KB of UTF-8
		scriptOf(ca.doc).insert(0, big);
		await cb.until(() => scriptOf(cb.doc).length === big.length, 5000, 'large relay');
		expect(scriptOf(cb.doc).toString()).toBe(big);
	});

	it('a node opening the board later reads what another node saved', async () => {
		const boardId = await newBoard();
		const ca = client(a.url, boardId);
		await ca.saved();
		setSlotField(ca.doc, first(ca.doc).id, 'lockQty', 321);
		await ca.saved();
		expect(b.collab.stats().some((d) => d.docId === boardId)).toBe(false);
		const cb = client(b.url, boardId);
		await cb.synced();
		expect(first(cb.doc).lockQty).toBe(321);
	});
});

describe('a break in the relay subscription', () => {
	it('reads open documents again when the subscription comes back', async () => {
		const base = createBoardPersistence({ relay: true });
		let resubscribed: (() => void) | undefined;
		const node = await startNode('node-c', {
			...base,
			subscribe: async (onRemote, onResubscribed) => {
				resubscribed = onResubscribed;
				return base.subscribe!(onRemote, onResubscribed);
			}
		});
		try {
			const boardId = await newBoard();
			const c = client(node.url, boardId);
			await c.saved();
			// another node saved while this one was not listening: no announcement arrives
			const other = new Y.Doc();
			Y.applyUpdate(other, Y.encodeStateAsUpdate(c.doc));
			const sv = Y.encodeStateVector(other);
			scriptOf(other).insert(0, '断线期间别的节点写的');
			await appendBoardUpdate(boardId, Y.encodeStateAsUpdate(other, sv), 'node-x', false);
			await new Promise((r) => setTimeout(r, 300));
			expect(scriptOf(c.doc).toString()).toBe('');
			resubscribed!();
			await c.until(() => scriptOf(c.doc).toString() === '断线期间别的节点写的', 5000, 'catch-up');
		} finally {
			await node.stop();
		}
	});
});

// Real processes need a real Postgres server (PGlite is embedded in one process).
if (dbHandle().kind === 'postgres') {
	describe('two server processes on one Postgres database', () => {
		it('an edit through process A reaches a client of process B, and survives A stopping', async () => {
			const env = { DATABASE_URL: dbHandle().url! };
			const [pa, pb] = await Promise.all([spawnNode(env, 3185), spawnNode(env, 3186)]);
			try {
				const boardId = await newBoard();
				const ca = client(pa.url, boardId);
				const cb = client(pb.url, boardId);
				await Promise.all([ca.saved(20_000), cb.saved(20_000)]);
				scriptOf(ca.doc).insert(0, '进程A');
				await cb.until(() => scriptOf(cb.doc).toString() === '进程A', 10_000, 'process relay');
				scriptOf(cb.doc).insert(3, '+进程B');
				await ca.until(() => scriptOf(ca.doc).toString() === '进程A+进程B', 10_000, 'back');
				await Promise.all([ca.saved(), cb.saved()]);
				const rows = await db()
					.select({ nodeId: boardUpdates.nodeId })
					.from(boardUpdates)
					.where(eq(boardUpdates.boardId, boardId));
				// each process stored only its own clients' edits
				expect(new Set(rows.map((r) => r.nodeId)).size).toBe(2);
				await pa.stop();
				const late = client(pb.url, boardId);
				await late.synced();
				expect(scriptOf(late.doc).toString()).toBe('进程A+进程B');
			} finally {
				await Promise.all([pa.stop(), pb.stop()]);
			}
		});
	});
}
