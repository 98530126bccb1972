import { afterAll, beforeAll } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime/events';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { startRealtimeServer } from './server';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** socket.io clients signed in with a session token, connected once the server said hello. */
export function socketClients(url: () => string) {
	const open: Client[] = [];
	return {
		/** `locale` sets the locale cookie, the language of the acks' error messages. */
		async connect(token: string, locale?: 'zh-CN' | 'en'): Promise<Client> {
			const cookie = `${SESSION_COOKIE}=${token}` + (locale ? `; lotlive_locale=${locale}` : '');
			const s: Client = connect(url(), {
				transports: ['websocket'],
				extraHeaders: { Cookie: cookie },
				reconnection: false
			});
			open.push(s);
			await new Promise((r, j) => {
				s.on('HelloV1', r);
				s.on('connect_error', j);
			});
			return s;
		},
		closeAll(): void {
			for (const s of open.splice(0)) s.close();
		}
	};
}

/**
 * A realtime server on the file's demo-seeded database for the whole file, with socket.io clients
 * that are closed after it (beforeAll/afterAll registered here).
 */
export function demoSocketServer() {
	let srv: Awaited<ReturnType<typeof startRealtimeServer>>;
	const clients = socketClients(() => srv.url);
	beforeAll(async () => {
		await seedDemoIfEmpty();
		srv = await startRealtimeServer();
	});
	afterAll(async () => {
		clients.closeAll();
		await srv.close();
	});
	return clients;
}
