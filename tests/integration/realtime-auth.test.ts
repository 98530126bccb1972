import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import WebSocket from 'ws';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { createApiToken } from '../../src/lib/server/auth/service';
import { installModules } from '../../src/lib/server/module';
import { startRealtimeServer } from '../helpers/server';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { db } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { publishStock } from '../../src/lib/server/stock';
import { eq, sql } from 'drizzle-orm';
import { makeUser } from '../helpers/users';

let srv: Awaited<ReturnType<typeof startRealtimeServer>>;
beforeAll(async () => {
	// a document only its owner's organisation may open, to exercise 403 vs 404
	installModules([
		{
			name: 'test-docs',
			collab: {
				access: async (actor, docId) => {
					if (!docId.startsWith('test-')) return undefined;
					const orgId = actor.orgId;
					return docId === `test-${orgId}` ? 'write' : null;
				}
			}
		}
	]);
	await seedDemoIfEmpty();
	srv = await startRealtimeServer();
});
afterAll(async () => srv.close());

/** Sends a raw websocket upgrade and returns the HTTP status line's code. */
function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1',
			port: srv.port,
			path,
			headers: {
				Connection: 'Upgrade',
				Upgrade: 'websocket',
				'Sec-WebSocket-Version': '13',
				'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
				...headers
			}
		});
		req.on('upgrade', (res, socket) => {
			socket.destroy();
			resolve(res.statusCode ?? 0);
		});
		req.on('response', (res) => {
			res.resume();
			resolve(res.statusCode ?? 0);
		});
		req.on('error', reject);
		req.end();
	});
}

describe('socket.io and /collab refuse anyone without a session or token', () => {
	it('answers 401 to a socket.io polling handshake without credentials', async () => {
		const res = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`);
		expect(res.status).toBe(401);
		expect((await res.json()).error.code).toBe('unauthenticated');
	});

	it('answers 401 to a socket.io websocket upgrade without credentials, and with a bad cookie', async () => {
		expect(await upgradeStatus('/socket.io/?EIO=4&transport=websocket')).toBe(401);
		expect(
			await upgradeStatus('/socket.io/?EIO=4&transport=websocket', {
				Cookie: `${SESSION_COOKIE}=forged`
			})
		).toBe(401);
	});

	it('answers 401 to a /collab upgrade without credentials; nothing is opened', async () => {
		expect(await upgradeStatus('/collab/test-anything')).toBe(401);
		const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/collab/test-anything`);
		const outcome = await new Promise<string>((r) => {
			ws.on('open', () => r('open'));
			ws.on('unexpected-response', (_req, res) => r(`status ${res.statusCode}`));
			ws.on('error', () => r('error'));
		});
		expect(outcome).toBe('status 401');
	});

	it('lets a signed-in user connect to socket.io and greets them', async () => {
		const u = await makeUser('host');
		const socket = connect(srv.url, {
			transports: ['websocket'],
			extraHeaders: { Cookie: `${SESSION_COOKIE}=${u.token}` },
			reconnection: false
		});
		const hello = await new Promise<{ userId: string | null; orgId: string }>((resolve, reject) => {
			socket.on('HelloV1', resolve);
			socket.on('connect_error', reject);
		});
		expect(hello.userId).toBe(u.userId);
		expect(hello.orgId).toBe(u.orgId);
		const pong = await socket.timeout(2000).emitWithAck('PingV1', { at: 42 });
		expect(pong).toMatchObject({ ok: true, data: { at: 42 } });
		socket.close();
	});

	it('accepts an API token (Bearer) for socket.io', async () => {
		const u = await makeUser('host');
		const t = await createApiToken(u.principal, { name: 'bot' });
		const socket = connect(srv.url, {
			transports: ['websocket'],
			extraHeaders: { Authorization: `Bearer ${t.token}` },
			reconnection: false
		});
		const hello = await new Promise<{ userId: string | null; orgId: string }>((resolve, reject) => {
			socket.on('HelloV1', resolve);
			socket.on('connect_error', reject);
		});
		expect(hello).toMatchObject({ userId: null, orgId: u.orgId });
		socket.close();
	});

	it('authorises /collab per document: own 101, other org 403, unknown 404', async () => {
		const u = await makeUser('host');
		const other = await makeUser('host');
		const cookie = { Cookie: `${SESSION_COOKIE}=${u.token}` };
		expect(await upgradeStatus(`/collab/test-${u.orgId}`, cookie)).toBe(101);
		expect(await upgradeStatus(`/collab/test-${other.orgId}`, cookie)).toBe(403);
		expect(await upgradeStatus('/collab/no-such-doc', cookie)).toBe(404);
	});
});

describe('stock counters over socket.io', () => {
	it('answers LotWatchV1 with current counters and pushes StockChangedV1 after publishStock', async () => {
		const [lot] = await db().select().from(lots).limit(1);
		const u = await makeUser('buyer');
		const socket = connect(srv.url, {
			transports: ['websocket'],
			extraHeaders: { Cookie: `${SESSION_COOKIE}=${u.token}` },
			reconnection: false
		});
		await new Promise((r) => socket.on('HelloV1', r));
		const bad = await socket.timeout(2000).emitWithAck('LotWatchV1', { lotIds: ['nope'] });
		expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'lotIds.0' } });
		const watched = await socket.timeout(2000).emitWithAck('LotWatchV1', { lotIds: [lot!.id] });
		// The demo's trade orders hold some lots allocated: expect the lot's own counters, not on_hand.
		expect(watched.ok && watched.data[0]).toMatchObject({
			lotId: lot!.id,
			available: lot!.onHand - lot!.locked - lot!.allocated
		});
		const pushed = new Promise<{ locked: number; available: number; version: number }>((r) =>
			socket.on('StockChangedV1', r)
		);
		await db()
			.update(lots)
			.set({ locked: 7, stockVersion: sql`${lots.stockVersion} + 1` })
			.where(eq(lots.id, lot!.id));
		await publishStock([lot!.id]);
		expect(await pushed).toMatchObject({
			locked: 7,
			available: lot!.onHand - 7 - lot!.allocated,
			version: lot!.stockVersion + 1
		});
		socket.close();
	});
});
