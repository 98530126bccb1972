import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as EngineServer } from 'engine.io';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { LOCALE_COOKIE, negotiate, translate, type Locale } from '$lib/i18n';
import { rooms, type ClientToServerEvents, type ServerToClientEvents } from '$lib/realtime/events';
import { authenticateHeaders } from '../auth/request';
import { isOperator, withLocale, type Principal } from '../auth/principal';
import { env } from '../env';
import { logger } from '../log';
import { notifyBatching } from './notify-batch';
import { broadcastToPeersOnly } from './peers-only';
import { writeUpgradeError } from './upgrade';
import { guardListener } from '../guard';

export interface SocketData {
	/** Who is connected, resolved once per connection, writing in the socket's language. */
	principal: Principal;
}
export type Io = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;
export type IoSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;

type AuthedRequest = IncomingMessage & { lotlivePrincipal?: Principal };

export const SOCKET_PATH = '/socket.io/';

let current: Io | undefined;
/** The process's socket.io server once the http server is up (undefined in tools and tests without one). */
export function currentIo(): Io | undefined {
	return current;
}

/** The language of a socket's error messages: its locale cookie, else Accept-Language, else English. */
export function socketLocale(socket: IoSocket): Locale {
	const h = socket.handshake.headers;
	const cookie = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]+)`).exec(h.cookie ?? '')?.[1];
	if (cookie === 'zh-CN' || cookie === 'en') return cookie;
	return negotiate(h['accept-language']) ?? 'en';
}

/** A module's connection handler (its `socketHandlers` in module.ts): adds its `socket.on`s. */
export type SocketHandler = (io: Io, socket: IoSocket) => void;

/**
 * Every listener a module adds with `socket.on` is wrapped once here: a listener that throws or
 * rejects is logged with the event's name and the caller's id, and its ack (when sent) gets
 * `{ok:false, error:{code:'internal'}}`. No module can leave an unhandled rejection behind.
 */
function guardSocketListeners(socket: IoSocket): void {
	const on = socket.on.bind(socket) as (
		event: string,
		listener: (...args: unknown[]) => unknown
	) => IoSocket;
	const actor = socket.data.principal;
	const context = { socketId: socket.id, actor: actor.userId ?? actor.tokenId };
	(socket as unknown as { on: typeof on }).on = (event, listener) =>
		on(event, guardListener(event, context, listener));
}

/**
 * socket.io bound to a standalone engine so requests are authenticated before engine.io sees
 * them: no session or token → 401 and nothing is opened. Several nodes share events through
 * the Postgres adapter when DATABASE_URL is set (broadcasts go out only while another node is
 * alive: see peers-only.ts).
 */
export function createRealtime(opts: {
	/** The modules' connection handlers, read at each connection. */
	handlers: () => readonly SocketHandler[];
}) {
	const engine = new EngineServer({
		pingInterval: 20_000,
		pingTimeout: 20_000,
		maxHttpBufferSize: 1e6,
		cors: undefined
	});
	const io: Io = new Server({ path: SOCKET_PATH, serveClient: false });
	io.bind(engine);
	current = io;

	let pool: pg.Pool | undefined;
	const url = env().DATABASE_URL;
	if (url) {
		pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'lotlive-io' });
		pool.on('error', (err) => logger().warn({ err }, 'socket.io adapter pool error'));
		// A Postgres restart must not take the process down. The adapter keeps its LISTEN
		// connection checked out of the pool for good: pg's 'error' on it had no listener (the
		// process crashed on 57P01 admin_shutdown), and once ended it stayed counted against the
		// pool. Log the error; hand the dead client back so the adapter's own reconnection (it
		// listens for 'end') gets a fresh connection.
		pool.on('connect', (client) => {
			client.on('error', (err) =>
				logger().warn({ reason: err.message }, 'socket.io adapter connection lost')
			);
			client.on('end', () => {
				if (client.listenerCount('notification') === 0) return; // pool.query's clients
				try {
					client.release(true);
				} catch {
					/* already back in the pool */
				}
			});
		});
		io.adapter(
			broadcastToPeersOnly(
				createAdapter(notifyBatching(pool), {
					tableName: 'socket_io_attachments',
					channelPrefix: 'lotlive_io',
					errorHandler: (err) => logger().warn({ err }, 'socket.io adapter error')
				})
			)
		);
	}

	io.use((socket, next) => {
		const principal = (socket.request as AuthedRequest).lotlivePrincipal;
		if (!principal) return next(new Error('unauthenticated'));
		socket.data.principal = withLocale(principal, socketLocale(socket));
		next();
	});

	io.on('connection', (socket) => {
		guardSocketListeners(socket);
		const actor = socket.data.principal;
		const orgId = actor.orgId;
		if (orgId) void socket.join(rooms.org(orgId));
		if (actor.userId) void socket.join(rooms.user(actor.userId));
		// Operators (people, never a token) hear what the platform arbitrates: the dispute queue.
		if (isOperator(actor)) void socket.join(rooms.operators());
		socket.emit('HelloV1', {
			userId: actor.userId,
			orgId: orgId ?? '',
			role: actor.source === 'session' ? actor.role : null,
			serverTime: new Date().toISOString()
		});
		socket.on('PingV1', (p, ack) => {
			if (typeof ack !== 'function') return;
			ack({ ok: true, data: { at: Number(p?.at) || 0, serverTime: Date.now() } });
		});
		for (const handler of opts.handlers()) handler(io, socket);
	});

	async function authenticate(req: IncomingMessage): Promise<Principal | null> {
		const auth = await authenticateHeaders({
			cookie: req.headers.cookie,
			authorization: req.headers.authorization
		});
		return auth?.principal ?? null;
	}

	return {
		io,
		matches: (url: string | undefined) => !!url && url.startsWith(SOCKET_PATH),
		async handleRequest(req: IncomingMessage, res: ServerResponse) {
			const actor = await authenticate(req).catch(() => null);
			if (!actor) {
				res.writeHead(401, { 'content-type': 'application/json' });
				const locale = negotiate(req.headers['accept-language']) ?? 'en';
				const message = translate(locale, 'error.unauthenticated');
				res.end(JSON.stringify({ error: { code: 'unauthenticated', message } }));
				return;
			}
			(req as AuthedRequest).lotlivePrincipal = actor;
			engine.handleRequest(req, res);
		},
		async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
			const actor = await authenticate(req).catch(() => null);
			if (!actor) return writeUpgradeError(socket, 401, 'unauthenticated');
			(req as AuthedRequest).lotlivePrincipal = actor;
			engine.handleUpgrade(req, socket, head);
		},
		async close() {
			if (current === io) current = undefined;
			await new Promise<void>((r) => io.close(() => r()));
			engine.close();
			await pool?.end().catch(() => {});
		}
	};
}

export type Realtime = ReturnType<typeof createRealtime>;
