// One LotLive node for the robustness tests: the runtime (socket.io + /collab) attached to an
// http server in its own process, plus two test routes. Env: DATABASE_URL (or PGLITE_DIR), PORT.
// Prints {"listening":port} on stdout when ready.
//   POST /__node/sign-in  {email, password, ip}  → the sign-in service's answer (rate limits included)
//   POST /__node/reject                           → starts a promise that rejects with nobody awaiting it
//   GET  /__node/alive                            → {pid}
import http from 'node:http';
import { attach, ready, shutdown } from '../../src/lib/server/runtime';
import { signIn } from '../../src/lib/server/auth/service';
import { errorPayload } from '../../src/lib/server/http';

await ready();

function body(req: http.IncomingMessage): Promise<unknown> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
	});
}

const server = http.createServer((req, res) => {
	if (attached.handleRequest(req, res)) return;
	const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(value));
	};
	if (req.url === '/__node/alive') return send(200, { pid: process.pid });
	if (req.url === '/__node/reject' && req.method === 'POST') {
		void Promise.reject(new Error('a stray rejection nobody awaits'));
		return send(202, { started: true });
	}
	if (req.url === '/__node/sign-in' && req.method === 'POST') {
		void body(req).then(async (b) => {
			const { ip, ...creds } = b as { ip?: string };
			try {
				const s = await signIn(creds, undefined, { ip });
				send(200, { userId: s.userId });
			} catch (e) {
				const p = errorPayload(e, 'en');
				send(p.status, p.body, p.headers);
			}
		});
		return;
	}
	res.writeHead(404).end();
});
const attached = attach(server);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const addr = server.address();
	process.stdout.write(
		JSON.stringify({ listening: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n'
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
