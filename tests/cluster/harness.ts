// The three-node cluster the drills run against, all on 127.0.0.1:
//   - a PRIVATE Postgres cluster (Debian's binaries, initdb into a temp dir, its own port) so a
//     drill may stop and restart it without touching the machine's shared server;
//   - three production servers (server/index.js from build/) on one database;
//   - HAProxy from Debian in front (websocket upgrades pass through, /healthz checks, a cookie
//     that pins a browser to one node, round robin for cookie-less API clients).
// Ports are derived from E2E_PORT so parallel runs on one machine never collide.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE = 21_000 + (E2E_PORT - 4173) * 10;
export const PORTS = {
	postgres: BASE,
	lb: BASE + 1,
	nodes: [BASE + 2, BASE + 3, BASE + 4] as const,
	/** a fourth server on the restored copy in the restore drill */
	restored: BASE + 5
};

const root = path.resolve(import.meta.dirname, '../..');

function log(msg: string) {
	process.stderr.write(`[cluster] ${msg}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command as the postgres OS user when we are root (initdb refuses root). */
function asPgUser(cmd: string, args: string[]): [string, string[]] {
	if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
	return [cmd, args];
}

export function pgBin(name: string): string {
	const base = '/usr/lib/postgresql';
	if (existsSync(base)) {
		const versions = readdirSync(base)
			.filter((v) => existsSync(path.join(base, v, 'bin', name)))
			.sort((a, b) => Number(b) - Number(a));
		if (versions[0]) return path.join(base, versions[0], 'bin', name);
	}
	return name; // on PATH
}

export interface PrivatePostgres {
	port: number;
	url: (db?: string) => string;
	start(): Promise<void>;
	stop(mode?: 'fast' | 'immediate'): Promise<void>;
	destroy(): Promise<void>;
}

/** initdb + pg_ctl into a temp dir owned by the postgres user; trust auth on 127.0.0.1. */
export async function privatePostgres(): Promise<PrivatePostgres> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-cluster-pg-'));
	const data = path.join(dir, 'data');
	if (process.getuid?.() === 0) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, uid, gid);
	}
	const run = (cmd: string, args: string[]) => {
		const [c, a] = asPgUser(cmd, args);
		execFileSync(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
	};
	run(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	const port = PORTS.postgres;
	const opts = [
		`-p ${port}`,
		`-k ${dir}`,
		`-c listen_addresses=127.0.0.1`,
		'-c max_connections=200',
		'-c fsync=off',
		'-c synchronous_commit=off',
		'-c full_page_writes=off',
		'-c shared_buffers=64MB'
	].join(' ');
	const logFile = path.join(dir, 'postgres.log');
	const pg: PrivatePostgres = {
		port,
		url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
		async start() {
			run(pgBin('pg_ctl'), ['-D', data, '-o', opts, '-l', logFile, '-w', '-t', '60', 'start']);
		},
		async stop(mode = 'fast') {
			run(pgBin('pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
		},
		async destroy() {
			if (existsSync(path.join(data, 'postmaster.pid'))) {
				try {
					run(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
				} catch {
					/* not running */
				}
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
	await pg.start();
	log(`private Postgres on ${port} (${dir})`);
	return pg;
}

export interface Node {
	name: string;
	port: number;
	url: string;
	proc?: ChildProcess;
	env: Record<string, string>;
	exited?: Promise<void>;
}

function haproxyPath(): string {
	for (const p of ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'])
		if (existsSync(p)) return p;
	throw new Error(
		'HAProxy not found: the cluster drill needs it (Debian: `apt-get install -y haproxy`).'
	);
}

/** The HAProxy configuration the drill runs with (docs/OPERATIONS.md explains each line). */
export function haproxyConfig(lbPort: number, nodes: { name: string; port: number }[]): string {
	return `global
	maxconn 4096

defaults
	mode http
	option httplog
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	# websockets (socket.io, /collab) stay open for hours once upgraded
	timeout tunnel 1h
	# a node that refuses the connection (killed, restarting): try another one
	retries 2
	option redispatch

# All nodes down (e.g. every /healthz says the database is unreachable): the balancer's own answer is
# the same 503 + Retry-After the nodes give, so clients back off the same way.
http-errors lotlive
	errorfile 503 ERRORFILE

frontend web
	bind 127.0.0.1:${lbPort}
	errorfiles lotlive
	default_backend nodes

backend nodes
	balance roundrobin
	errorfiles lotlive
	option httpchk GET /healthz
	http-check expect status 200
	default-server inter 1s fall 2 rise 1 maxconn 500
	# browsers stick to the node they met (socket.io's polling fallback needs it); API clients
	# without cookies are spread round robin
	cookie LOTLIVE_NODE insert indirect nocache httponly
${nodes.map((n) => `\tserver ${n.name} 127.0.0.1:${n.port} check cookie ${n.name}`).join('\n')}
`;
}

export interface Cluster {
	pg: PrivatePostgres;
	databaseUrl: string;
	lbUrl: string;
	nodes: Node[];
	startNode(i: number, extraEnv?: Record<string, string>): Promise<void>;
	kill(i: number, signal?: NodeJS.Signals): Promise<void>;
	waitHealthy(url: string, timeoutMs?: number): Promise<void>;
	lbSees(i: number, up: boolean, timeoutMs?: number): Promise<void>;
	stop(): Promise<void>;
}

export async function startCluster(opts: { nodeEnv?: Record<string, string> } = {}) {
	const pg = await privatePostgres();
	const dbName = 'lotlive_cluster';
	execFileSync(pgBin('psql'), ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres'], {
		input: `create database ${dbName};`,
		stdio: ['pipe', 'ignore', 'inherit']
	});
	const databaseUrl = pg.url(dbName);
	const lbUrl = `http://127.0.0.1:${PORTS.lb}`;
	const nodes: Node[] = PORTS.nodes.map((port, i) => ({
		name: `node${i + 1}`,
		port,
		url: `http://127.0.0.1:${port}`,
		env: {}
	}));

	async function waitHealthy(url: string, timeoutMs = 60_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			try {
				const r = await fetch(`${url}/healthz`);
				if (r.ok) return;
			} catch {
				/* not up yet */
			}
			if (Date.now() > deadline) throw new Error(`${url} not healthy in ${timeoutMs} ms`);
			await sleep(200);
		}
	}

	async function startNode(i: number, extraEnv: Record<string, string> = {}) {
		const n = nodes[i]!;
		n.env = {
			NODE_ENV: 'production',
			LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'error',
			HOST: '127.0.0.1',
			PORT: String(n.port),
			ORIGIN: lbUrl,
			DATABASE_URL: databaseUrl,
			DATABASE_POOL_MAX: '10',
			SEED_DEMO: i === 0 ? 'true' : 'false',
			...opts.nodeEnv,
			...extraEnv
		};
		const env: Record<string, string | undefined> = { ...process.env, ...n.env };
		delete env.PGLITE_DIR;
		const proc = spawn(process.execPath, ['server/index.js'], {
			cwd: root,
			env,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const prefix = `[${n.name}] `;
		const relay = (d: Buffer) =>
			process.stderr.write(
				d
					.toString()
					.split('\n')
					.filter(Boolean)
					.map((l) => prefix + l + '\n')
					.join('')
			);
		proc.stdout!.on('data', relay);
		proc.stderr!.on('data', relay);
		n.proc = proc;
		n.exited = new Promise((r) => proc.once('exit', () => r()));
		await Promise.race([
			waitHealthy(n.url),
			n.exited.then(() => {
				throw new Error(`${n.name} exited during start`);
			})
		]);
	}

	async function kill(i: number, signal: NodeJS.Signals = 'SIGKILL') {
		const n = nodes[i]!;
		const p = n.proc;
		if (!p || p.exitCode !== null || p.signalCode !== null) return;
		p.kill(signal);
		await n.exited;
	}

	const lbDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-cluster-lb-'));
	const errorFile = path.join(lbDir, '503.http');
	const body = JSON.stringify({
		error: { code: 'unavailable', message: 'Briefly unavailable; please retry.', retryAfter: 2 }
	});
	writeFileSync(
		errorFile,
		'HTTP/1.1 503 Service Unavailable\r\n' +
			'Content-Type: application/json\r\n' +
			'Retry-After: 2\r\n' +
			'Cache-Control: no-cache\r\n' +
			'Connection: close\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
			body
	);
	const cfg = path.join(lbDir, 'haproxy.cfg');
	writeFileSync(cfg, haproxyConfig(PORTS.lb, nodes).replace('ERRORFILE', errorFile));
	execFileSync(haproxyPath(), ['-c', '-q', '-f', cfg], { stdio: 'inherit' });

	// node 1 migrates and seeds the demo data; then the other two join the same database
	await startNode(0);
	await Promise.all([startNode(1), startNode(2)]);
	const lb = spawn(haproxyPath(), ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
	lb.stderr!.on('data', (d: Buffer) => {
		const s = d.toString();
		if (!/is (UP|DOWN)|Server .* is/.test(s)) return;
		process.stderr.write(`[haproxy] ${s}`);
	});
	const lbExited = new Promise<void>((r) => lb.once('exit', () => r()));
	await waitHealthy(lbUrl, 15_000);

	/** Waits until HAProxy routes a pinned request to node i (up) or away from it (down). */
	async function lbSees(i: number, up: boolean, timeoutMs = 15_000) {
		const deadline = Date.now() + timeoutMs;
		const name = nodes[i]!.name;
		for (;;) {
			const ok = await fetch(`${lbUrl}/healthz`, {
				headers: { cookie: `LOTLIVE_NODE=${name}` }
			})
				.then((r) => r.ok && !r.headers.get('set-cookie')?.includes('LOTLIVE_NODE='))
				.catch(() => false);
			if (ok === up) return;
			if (Date.now() > deadline)
				throw new Error(`HAProxy did not see ${name} ${up ? 'up' : 'down'}`);
			await sleep(250);
		}
	}

	const cluster: Cluster = {
		pg,
		databaseUrl,
		lbUrl,
		nodes,
		startNode,
		kill,
		waitHealthy,
		lbSees,
		async stop() {
			await Promise.all(nodes.map((_, i) => kill(i, 'SIGTERM')));
			if (lb.exitCode === null) {
				lb.kill('SIGTERM');
				await lbExited;
			}
			rmSync(lbDir, { recursive: true, force: true });
			await pg.destroy();
		}
	};
	return cluster;
}
