// `vite dev` gets the same socket.io and /collab code as production: the runtime module is
// loaded through Vite's SSR graph (the one SvelteKit uses) and attached to Vite's http server.
import { applySecurityHeaders } from './security-headers.js';

/**
 * @typedef {{ handleRequest(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): boolean }} Attached
 * @typedef {{ ready(): Promise<void>, attach(s: unknown): Attached, shutdown(): Promise<void> }} RuntimeModule
 */

const RUNTIME = '/src/lib/server/runtime.ts';

/** @returns {import('vite').Plugin} */
export function lotliveRuntime() {
	return {
		name: 'lotlive-runtime',
		apply: 'serve',
		configureServer(server) {
			const httpServer = server.httpServer;
			if (!httpServer) return;
			/** @type {Promise<Attached> | undefined} */
			let attached;
			const load = () =>
				(attached ??= (async () => {
					const m = /** @type {RuntimeModule} */ (await server.ssrLoadModule(RUNTIME));
					await m.ready();
					return m.attach(httpServer);
				})());
			httpServer.once('listening', () => {
				load().catch((err) => server.config.logger.error(String(err?.stack ?? err)));
			});
			httpServer.once('close', () => {
				void server.ssrLoadModule(RUNTIME).then((m) => /** @type {RuntimeModule} */ (m).shutdown());
			});
			server.middlewares.use((_req, res, next) => {
				applySecurityHeaders(res);
				next();
			});
			server.middlewares.use((req, res, next) => {
				if (!req.url?.startsWith('/socket.io/')) return next();
				load()
					.then((a) => {
						if (!a.handleRequest(req, res)) next();
					})
					.catch(next);
			});
		}
	};
}
