// Issue 17.1: one anonymous websocket upgrade to /collab/%E0%A4%A made decodeURIComponent throw
// inside an async upgrade handler started with `void`; the unhandled rejection ended Node.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../src/lib/realtime/events';
import { dbHandle } from '../../src/lib/server/db';
import { installModules } from '../../src/lib/server/module';
import { startRealtimeServer } from '../helpers/server';
import { socketClients } from '../helpers/sockets';
import { spawnNode } from '../helpers/spawn-node';
import { makeUser } from '../helpers/users';

/** Sends a raw websocket upgrade request and returns the status line of the answer. */
function rawUpgrade(
	port: number,
	path: string,
	headers: Record<string, string> = {}
): Promise<string> {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1', () => {
			s.write(
				`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\n` +
					'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
					'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
					Object.entries(headers)
						.map(([k, v]) => `${k}: ${v}\r\n`)
						.join('') +
					'\r\n'
			);
		});
		let buf = '';
		s.on('data', (d) => (buf += d.toString()));
		s.on('close', () => resolve(buf.split('\r\n')[0] ?? ''));
		s.on('error', reject);
		s.setTimeout(10_000, () => {
			s.destroy();
			reject(new Error(`no answer to ${path}`));
		});
	});
}

// A module whose listener fails the way an unexpected database error would.
installModules([
	{
		name: 'test-exploding-socket',
		socketHandlers: [
			(_io, socket) => {
				(socket as unknown as { on: (e: string, l: (...a: unknown[]) => unknown) => void }).on(
					'TestExplodeV1',
					async (_p: unknown, _ack: unknown) => {
						await Promise.resolve();
						throw new Error('boom inside a socket listener');
					}
				);
			}
		]
	}
]);

describe('in this process', () => {
	let srv: Awaited<ReturnType<typeof startRealtimeServer>>;
	const clients = socketClients(() => srv.url);
	beforeAll(async () => {
		srv = await startRealtimeServer();
	});
	afterAll(async () => {
		clients.closeAll();
		await srv.close();
	});

	it('answers a malformed /collab escape with 400 and keeps serving', async () => {
		expect(await rawUpgrade(srv.port, '/collab/%E0%A4%A')).toMatch(/^HTTP\/1\.1 400/);
		expect(await rawUpgrade(srv.port, '/collab/%')).toMatch(/^HTTP\/1\.1 400/);
		// still answering: an unauthenticated upgrade is refused normally
		expect(await rawUpgrade(srv.port, '/collab/11111111-1111-4111-8111-111111111111')).toMatch(
			/^HTTP\/1\.1 401/
		);
		const r = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`);
		expect(r.status).toBe(401);
	});

	it('refuses socket.io and /collab from another site’s page carrying cookies, not from its own', async () => {
		const board = '/collab/11111111-1111-4111-8111-111111111111';
		const io = '/socket.io/?EIO=4&transport=websocket';
		const foreign = { Origin: 'http://evil.example', Cookie: 'lotlive_session=x' };
		expect(await rawUpgrade(srv.port, board, foreign)).toMatch(/^HTTP\/1\.1 403/);
		expect(await rawUpgrade(srv.port, io, foreign)).toMatch(/^HTTP\/1\.1 403/);
		const polling = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, {
			headers: foreign
		});
		expect(polling.status).toBe(403);
		expect(await polling.json()).toMatchObject({ error: { code: 'csrf' } });
		// the page's own origin goes on to the socket's authentication (a bad session: 401)
		const own = { Origin: `http://127.0.0.1:${srv.port}`, Cookie: 'lotlive_session=x' };
		expect(await rawUpgrade(srv.port, board, own)).toMatch(/^HTTP\/1\.1 401/);
		// no Origin (a script or server): authentication decides, as before
		expect(await rawUpgrade(srv.port, board, { Cookie: 'lotlive_session=x' })).toMatch(
			/^HTTP\/1\.1 401/
		);
	});

	it('answers a socket listener that throws with an internal error ack, and stays up', async () => {
		const u = await makeUser('host');
		const c = await clients.connect(u.token);
		const emit = c.emit.bind(c) as unknown as (e: string, p: unknown, ack: Ack<unknown>) => void;
		const answer = await new Promise((r) => emit('TestExplodeV1', {}, r));
		expect(answer).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error.' } });
		const pong = await c.emitWithAck('PingV1', { at: 7 });
		expect(pong).toMatchObject({ ok: true, data: { at: 7 } });
	});

	it('logs a stray rejection instead of exiting (the runtime installs the handler)', () => {
		expect(process.listeners('unhandledRejection').length).toBeGreaterThan(0);
	});
});

describe('a server process', () => {
	it('survives /collab/%E0%A4%A and a stray rejection, and still answers', async () => {
		const env: Record<string, string> =
			dbHandle().kind === 'postgres'
				? { DATABASE_URL: dbHandle().url! }
				: { PGLITE_DIR: 'memory://' };
		const node = await spawnNode(env, 0, 'tests/helpers/guard-node.ts');
		try {
			const port = Number(new URL(node.url).port);
			expect(await rawUpgrade(port, '/collab/%E0%A4%A')).toMatch(/^HTTP\/1\.1 400/);
			const rejected = await fetch(`${node.url}/__node/reject`, { method: 'POST' });
			expect(rejected.status).toBe(202);
			await new Promise((r) => setTimeout(r, 300));
			expect(node.child.exitCode).toBeNull();
			const alive = await fetch(`${node.url}/__node/alive`);
			expect(await alive.json()).toEqual({ pid: node.pid });
			expect(await rawUpgrade(port, '/collab/%E0%A4%A')).toMatch(/^HTTP\/1\.1 400/);
		} finally {
			await node.stop();
		}
	});
});
