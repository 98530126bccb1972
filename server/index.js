// Production entry: one http server on one port for SvelteKit pages and API (adapter-node's
// handler), socket.io and the Yjs websocket endpoint at /collab/<docId>.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { applySecurityHeaders } from './security-headers.js';

process.env.BODY_SIZE_LIMIT ??= '50M';

// Without ORIGIN or PROTOCOL_HEADER adapter-node takes every request for https, so a browser on
// http://localhost:3000 (or a LAN address) got Secure cookies and a url.origin it never sends.
// The protocol the request really arrived with goes in a header of ours that adapter-node reads;
// whatever a client sent in that header is overwritten.
const PROTO_HEADER = 'x-lotlive-connection-proto';
const ownProtocolHeader = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (ownProtocolHeader) process.env.PROTOCOL_HEADER = PROTO_HEADER;

const buildDir = path.resolve(process.env.LOTLIVE_BUILD_DIR ?? 'build');
const { handler } = await import(pathToFileURL(path.join(buildDir, 'handler.js')).href);

/** @type {{ ready(): Promise<void>, attach(s: http.Server): { handleRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean, handleApi(req: http.IncomingMessage, res: http.ServerResponse): false | Promise<boolean> }, shutdown(): Promise<void>, listeningOrigins(port: number): string[] }} */
const runtime = /** @type {any} */ (globalThis)[Symbol.for('lotlive.runtime')];
if (!runtime) throw new Error('LotLive runtime did not register; is build/ from this version?');
await runtime.ready();

// Requests being answered, so a SIGTERM can let them finish (lock and order batches included)
// before the database is closed.
let inFlight = 0;
/** @type {(() => void) | undefined} */
let onIdle;
let stopping = false;

const server = http.createServer((req, res) => {
	applySecurityHeaders(res);
	if (ownProtocolHeader) {
		req.headers[PROTO_HEADER] = /** @type {import('node:tls').TLSSocket} */ (req.socket).encrypted
			? 'https'
			: 'http';
	}
	// socket.io's long-polling requests are not waited for: they end when socket.io closes
	if (attached.handleRequest(req, res)) return;
	inFlight++;
	res.once('close', () => {
		if (--inFlight === 0) onIdle?.();
	});
	// draining: answer what arrives on kept-alive connections, then close them
	if (stopping) res.setHeader('connection', 'close');
	// The hot API endpoints (lock, order webhook) on a lean path; everything else is SvelteKit's.
	const api = attached.handleApi(req, res);
	if (api === false) return handler(req, res);
	api.then(
		(handled) => {
			if (!handled) handler(req, res);
		},
		(err) => {
			console.error(
				JSON.stringify({
					level: 50,
					time: new Date().toISOString(),
					msg: String(err?.stack ?? err)
				})
			);
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal error.' } }));
			}
		}
	);
});
const attached = runtime.attach(server);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
server.listen(port, host, () => {
	const addr = server.address();
	const shown = typeof addr === 'object' && addr ? `${host}:${addr.port}` : String(addr);
	console.log(
		JSON.stringify({
			level: 30,
			time: new Date().toISOString(),
			msg: `LotLive listening on ${shown}`,
			port: typeof addr === 'object' && addr ? addr.port : port
		})
	);
	// Form posts and other state-changing requests are accepted from the page's own address
	// (the Host it was opened at) and from these origins (ORIGIN, ALLOWED_ORIGINS, this server's
	// own addresses); see src/lib/server/origin.ts.
	const origins = runtime.listeningOrigins(typeof addr === 'object' && addr ? addr.port : port);
	console.log(
		JSON.stringify({
			level: 30,
			time: new Date().toISOString(),
			msg: `Allowed origins: ${origins.join(' ')}`,
			allowedOrigins: origins
		})
	);
});

/** @param {string} signal */
async function stop(signal) {
	if (stopping) return;
	stopping = true;
	console.log(
		JSON.stringify({ level: 30, time: new Date().toISOString(), msg: `${signal}: shutting down` })
	);
	const force = setTimeout(() => process.exit(1), 15_000);
	force.unref();
	// Stop accepting, let in-flight requests finish (their lock and order batches commit and
	// answer), then stop jobs, flush board saves and close sockets, then the database.
	const closed = new Promise((r) => server.close(() => r(undefined)));
	server.closeIdleConnections();
	if (inFlight > 0) {
		await new Promise((r) => {
			onIdle = () => r(undefined);
			setTimeout(r, 5_000).unref();
		});
	}
	await runtime.shutdown();
	server.closeAllConnections();
	await closed;
	clearTimeout(force);
	process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
