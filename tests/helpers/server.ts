import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach, shutdown } from '../../src/lib/server/runtime';

/**
 * The realtime half of the production server (socket.io + /collab on one http server), without
 * the SvelteKit handler: other paths answer 404. Enough to test upgrades and events.
 */
export async function startRealtimeServer(): Promise<{
	url: string;
	port: number;
	close: () => Promise<void>;
}> {
	const server = http.createServer((req, res) => {
		if (!attached.handleRequest(req, res)) {
			res.writeHead(404).end();
		}
	});
	const attached = attach(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		close: async () => {
			const closed = new Promise((r) => server.close(r));
			await shutdown(); // closes socket.io and websocket clients first
			server.closeAllConnections();
			await closed;
		}
	};
}
