// Presence (Yjs awareness) of a board across nodes behind a load balancer: who is on a board
// through one node is seen by clients of the others, at once when a node opens the board
// later, gone as soon as they leave (and after the awareness timeout when their node dies),
// and a person who reconnects — through the same node or another — is listed once and is not
// removed when the connection they left finally closes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import * as encoding from 'lib0/encoding';
import { buildBoardState } from '../../src/lib/collab/board';
import { MESSAGE_AWARENESS } from '../../src/lib/collab/protocol';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { encodeAwarenessEntries } from '../../src/lib/server/collab/awareness';
import { resolveCollabAccess } from '../../src/lib/server/module';
import { createCollab } from '../../src/lib/server/collab/server';
import { createBoardWithContent } from '../../src/lib/server/boards/service';
import { createBoardPersistence } from '../../src/lib/server/boards/store';
import { db, dbHandle } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { collabClient, type CollabClient } from '../helpers/collab-client';
import { spawnNode } from '../helpers/spawn-node';
import { makeMember, makeUser } from '../helpers/users';

async function startNode(nodeId: string) {
	const collab = createCollab({
		resolveAccess: resolveCollabAccess,
		persistence: createBoardPersistence({ relay: true }),
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
let assistant: Awaited<ReturnType<typeof makeMember>>;
let lotId: string;
const clients: CollabClient[] = [];
const sockets: WS[] = [];
beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await makeUser('host');
	assistant = await makeMember('assistant', host.orgId, { displayName: '场控 小林' });
	lotId = (await db().select({ id: lots.id }).from(lots).limit(1))[0]!.id;
});
afterEach(() => {
	for (const c of clients.splice(0)) c.close();
	for (const s of sockets.splice(0)) s.terminate();
});

const newBoard = () =>
	createBoardWithContent(host.orgId, host.userId, '在线成员', buildBoardState({}, [{ lotId }]));

/** A browser-like client that says who it is (the presence bar reads `user`). */
function person(
	url: string,
	boardId: string,
	who: { token: string; userId: string },
	name: string
) {
	const c = collabClient(url, boardId, who.token);
	c.provider.awareness.setLocalStateField('user', { id: who.userId, name, color: '#000' });
	clients.push(c);
	return c;
}

/** The other clients this client sees on the board, by awareness client id. */
function seen(c: CollabClient): Map<number, string> {
	const out = new Map<number, string>();
	for (const [id, state] of c.provider.awareness.getStates()) {
		const name = (state as { user?: { name?: string } }).user?.name;
		if (id !== c.doc.clientID && name) out.set(id, name);
	}
	return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A bare websocket speaking only awareness, for a client id of our choosing: a connection
 * whose owner went offline without the server noticing lingers like this one.
 */
async function rawSocket(url: string, boardId: string, token: string): Promise<WS> {
	const ws = new WS(`${url.replace(/^http/, 'ws')}/collab/${boardId}`, {
		headers: { Cookie: `${SESSION_COOKIE}=${token}` }
	});
	sockets.push(ws);
	// the server reads messages once the document is loaded and says so first (access)
	await new Promise<void>((resolve, reject) => {
		ws.once('message', () => resolve());
		ws.once('error', reject);
	});
	return ws;
}
function sendPresence(ws: WS, client: number, clock: number, state: unknown) {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(
		e,
		encodeAwarenessEntries([{ client, clock, json: JSON.stringify(state) }])
	);
	ws.send(encoding.toUint8Array(e));
}
const hostState = () => ({ user: { id: host.userId, name: '主播 小鹿', color: '#000' } });

describe(`presence across two collab nodes on one ${dbHandle().kind} database`, () => {
	let a: Awaited<ReturnType<typeof startNode>>;
	let b: Awaited<ReturnType<typeof startNode>>;
	beforeAll(async () => {
		a = await startNode('presence-a');
		b = await startNode('presence-b');
	});
	afterAll(async () => {
		for (const c of clients.splice(0)) c.close();
		await a.stop();
		await b.stop();
	});

	it('people on node A and node B see each other, and a leaver is gone at once', async () => {
		const boardId = await newBoard();
		const ca = person(a.url, boardId, host, '主播 小鹿');
		const cb = person(b.url, boardId, assistant, '场控 小林');
		await Promise.all([ca.synced(), cb.synced()]);
		await cb.until(() => seen(cb).get(ca.doc.clientID) === '主播 小鹿', 5000, 'A → B');
		await ca.until(() => seen(ca).get(cb.doc.clientID) === '场控 小林', 5000, 'B → A');
		expect(seen(cb).size).toBe(1);

		// a change of focus travels too
		ca.provider.awareness.setLocalStateField('slotId', 'abcdefabcdef');
		await cb.until(
			() =>
				(cb.provider.awareness.getStates().get(ca.doc.clientID) as { slotId?: string })?.slotId ===
				'abcdefabcdef',
			5000,
			'focus'
		);

		// leaving: far sooner than the 30 s awareness timeout
		const gone = ca.doc.clientID;
		ca.close();
		await cb.until(() => !seen(cb).has(gone), 5000, 'leaver removed on B');
	});

	it('a node opening the board later learns at once who is on it through the others', async () => {
		const boardId = await newBoard();
		const ca = person(a.url, boardId, host, '主播 小鹿');
		await ca.synced();
		await sleep(100);
		expect(b.collab.stats().some((d) => d.docId === boardId)).toBe(false);
		const cb = person(b.url, boardId, assistant, '场控 小林');
		// clients renew their presence every 15 s; this must not wait for that
		await cb.until(() => seen(cb).get(ca.doc.clientID) === '主播 小鹿', 3000, 'query answered');
	});

	it('a reconnect through the other node is listed once and outlives the connection it left', async () => {
		const boardId = await newBoard();
		const watcher = person(b.url, boardId, assistant, '场控 小林');
		await watcher.synced();
		const X = 424242;
		const old = await rawSocket(a.url, boardId, host.token);
		sendPresence(old, X, 3, hostState());
		await watcher.until(() => seen(watcher).has(X), 5000, 'X through A');
		// the same browser is back through node B with the same client id and clock
		const back = await rawSocket(b.url, boardId, host.token);
		sendPresence(back, X, 3, hostState());
		await sleep(300);
		// …and only now does node A notice the old connection is gone
		old.terminate();
		await sleep(800);
		expect([...seen(watcher).values()]).toEqual(['主播 小鹿']);
		back.terminate();
		await watcher.until(() => !seen(watcher).has(X), 5000, 'X removed when it leaves B');
	});
});

describe('presence on one node', () => {
	let n: Awaited<ReturnType<typeof startNode>>;
	beforeAll(async () => {
		n = await startNode('presence-solo');
	});
	afterAll(async () => {
		for (const c of clients.splice(0)) c.close();
		await n.stop();
	});

	it('a person back from offline is removed when they leave, though the old socket lingers', async () => {
		const boardId = await newBoard();
		const watcher = person(n.url, boardId, assistant, '场控 小林');
		await watcher.synced();
		const X = 515151;
		const lingering = await rawSocket(n.url, boardId, host.token);
		sendPresence(lingering, X, 2, hostState());
		await watcher.until(() => seen(watcher).has(X), 5000, 'X present');
		const back = await rawSocket(n.url, boardId, host.token);
		sendPresence(back, X, 2, hostState());
		await sleep(200);
		// the page reloads: its new connection closes; the lingering one is still open
		back.terminate();
		await watcher.until(() => !seen(watcher).has(X), 5000, 'X removed despite the old socket');
		// a removal sent through the old socket for a client it no longer speaks for is ignored
		const again = await rawSocket(n.url, boardId, host.token);
		// same clock as before the removal: the server counts on from the removal
		sendPresence(again, X, 2, hostState());
		await watcher.until(() => seen(watcher).has(X), 5000, 'X back with a stale clock');
		sendPresence(lingering, X, 3, null);
		await sleep(400);
		expect(seen(watcher).has(X)).toBe(true);
		lingering.terminate();
		await sleep(400);
		expect(seen(watcher).has(X)).toBe(true);
	});

	it('nobody can appear as someone else', async () => {
		const boardId = await newBoard();
		const watcher = person(n.url, boardId, host, '主播 小鹿');
		await watcher.synced();
		const ws = await rawSocket(n.url, boardId, assistant.token);
		sendPresence(ws, 777, 1, hostState());
		sendPresence(ws, 778, 1, { user: { id: assistant.userId, name: '场控 小林' } });
		await watcher.until(() => seen(watcher).has(778), 5000, 'own state');
		expect(seen(watcher).has(777)).toBe(false);
	});
});

// Real processes need a real Postgres server (PGlite is embedded in one process).
if (dbHandle().kind === 'postgres') {
	describe('presence across two server processes on one Postgres database', () => {
		it('converges both ways, and the people of a node that dies time out', async () => {
			const env = { DATABASE_URL: dbHandle().url! };
			const [pa, pb] = await Promise.all([spawnNode(env, 0), spawnNode(env, 0)]);
			try {
				const boardId = await newBoard();
				const ca = person(pa.url, boardId, host, '主播 小鹿');
				const cb = person(pb.url, boardId, assistant, '场控 小林');
				await Promise.all([ca.synced(20_000), cb.synced(20_000)]);
				await cb.until(() => seen(cb).get(ca.doc.clientID) === '主播 小鹿', 10_000, 'A → B');
				await ca.until(() => seen(ca).get(cb.doc.clientID) === '场控 小林', 10_000, 'B → A');
				// a second tab through A: B's client sees both of the host's tabs, each once
				const ca2 = person(pa.url, boardId, host, '主播 小鹿');
				await cb.until(() => seen(cb).size === 2, 10_000, 'second tab');
				ca2.close();
				await cb.until(() => seen(cb).size === 1, 10_000, 'second tab left');

				// node A dies without a word: its people go after the awareness timeout (30 s)
				const died = ca.doc.clientID;
				ca.provider.shouldConnect = false;
				pa.child.kill('SIGKILL');
				await new Promise((r) => pa.child.once('exit', r));
				const t0 = Date.now();
				await cb.until(() => !seen(cb).has(died), 45_000, 'dead node’s client timed out');
				expect(Date.now() - t0).toBeLessThan(45_000);
			} finally {
				const killed = pa.child.signalCode !== null; // a killed child has no exit code to wait for
				await Promise.all([killed ? undefined : pa.stop(), pb.stop()]);
			}
		}, 90_000);
	});
}
