import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { resetEnvCache } from '../../src/lib/server/env';
import { attach, shutdown } from '../../src/lib/server/runtime';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The whole application on one http server inside the test process, without a build: SvelteKit
 * (pages, form actions, /api/v1, through Vite's dev middleware: the real hooks and routes)
 * plus socket.io and /collab from the runtime. It uses the test file's database (the process
 * env set by tests/integration/setup.ts). Starting it compiles routes on first use, so the
 * first request to each route is slow. Background jobs stay off unless `jobs` is set, so the
 * database changes only through requests.
 */
export async function startAppServer(opts: { jobs?: boolean } = {}): Promise<{
	url: string;
	port: number;
	vite: ViteDevServer;
	close: () => Promise<void>;
}> {
	process.env.JOBS = opts.jobs ? 'true' : 'false';
	resetEnvCache();
	const vite = await createServer({
		root,
		configFile: path.join(root, 'vite.config.ts'),
		server: { middlewareMode: true, hmr: false, ws: false, watch: null },
		appType: 'custom',
		logLevel: 'silent',
		clearScreen: false,
		optimizeDeps: { noDiscovery: true, include: [] }
	});
	const server = http.createServer((req, res) => {
		if (attached.handleRequest(req, res)) return;
		vite.middlewares(req, res);
	});
	const attached = attach(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		vite,
		close: async () => {
			const closed = new Promise((r) => server.close(r));
			await shutdown();
			server.closeAllConnections();
			await closed;
			await vite.close();
		}
	};
}
