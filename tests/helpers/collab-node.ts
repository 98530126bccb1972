// One LotLive node for multi-process tests and the collab bench: the runtime (socket.io +
// /collab with the boards persistence) attached to an http server, in its own process.
// Env: DATABASE_URL (or PGLITE_DIR), PORT. Prints {"listening":port} on stdout when ready;
// answers GET /__node/docs with the documents it holds in memory; SIGTERM shuts down gracefully.
import http from 'node:http';
import { attach, ready, shutdown } from '../../src/lib/server/runtime';
import { currentCollab } from '../../src/lib/server/collab/server';

await ready();
const server = http.createServer((req, res) => {
	if (req.url === '/__node/docs') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ docs: currentCollab()?.stats() ?? [], pid: process.pid }));
		return;
	}
	if (!attached.handleRequest(req, res)) res.writeHead(404).end();
});
const attached = attach(server);
const port = Number(process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
	const addr = server.address();
	process.stdout.write(
		JSON.stringify({ listening: typeof addr === 'object' && addr ? addr.port : port }) + '\n'
	);
});
let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	const closed = new Promise((r) => server.close(r));
	await shutdown();
	server.closeAllConnections();
	await closed;
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
