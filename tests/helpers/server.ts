import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetEnvCache } from '../../src/lib/server/env';
import { attach, shutdown } from '../../src/lib/server/runtime';

/**
 * The realtime half of the production server (socket.io + /collab on one http server), without
 * the SvelteKit handler: other paths answer 404. Enough to test upgrades and events. Background
 * jobs stay off unless `jobs` is set (as in startAppServer), so the database changes only through
 * the events under test: the demo's accepted trade orders, released by the timer job, once made
 * the socket fuzz see a refused event "change" the ledger.
 */
export async function startRealtimeServer(opts: { jobs?: boolean } = {}): Promise<{
	url: string;
	port: number;
	close: () => Promise<void>;
}> {
	process.env.JOBS = opts.jobs ? 'true' : 'false';
	resetEnvCache();
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
