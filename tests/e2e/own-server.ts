// A production server (server/index.js, built by the e2e webServer step) that a spec starts,
// stops and restarts itself, on its own fresh database (Postgres when DATABASE_URL is set, else
// PGlite in a temporary directory), seeded with the demo data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../helpers/database';

export interface OwnServer {
	url: string;
	restart(): Promise<void>;
	stop(): Promise<void>;
}

/** `env` overrides the defaults below; a key set to undefined is removed (e.g. ORIGIN). */
export async function startOwnServer(
	port: number,
	label: string,
	opts: { env?: Record<string, string | undefined> } = {}
): Promise<OwnServer> {
	const fresh = await freshDatabase(label);
	let tmp: string | undefined;
	const env: Record<string, string | undefined> = { ...process.env, ...fresh.env };
	if (fresh.kind === 'pglite') {
		tmp = mkdtempSync(path.join(os.tmpdir(), `lotlive-${label}-`));
		env.PGLITE_DIR = path.join(tmp, 'pglite');
		env.DATA_DIR = tmp;
		delete env.DATABASE_URL;
	}
	Object.assign(env, {
		PORT: String(port),
		HOST: '127.0.0.1',
		SEED_DEMO: 'true',
		NODE_ENV: 'production',
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
		ORIGIN: `http://127.0.0.1:${port}`
	});
	for (const [k, v] of Object.entries(opts.env ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	const url = `http://127.0.0.1:${port}`;
	let child: ChildProcess | undefined;

	async function start() {
		child = spawn(process.execPath, ['server/index.js'], {
			env,
			stdio: ['ignore', 'pipe', 'inherit']
		});
		const c = child;
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
			c.stdout!.on('data', (d: Buffer) => {
				if (d.toString().includes('LotLive listening')) {
					clearTimeout(timer);
					resolve();
				}
			});
			c.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`server exited with ${code}`));
			});
		});
		// keep the server's log lines (warnings and errors at the default level) in the test output
		c.stdout!.removeAllListeners('data');
		c.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
	}

	async function stopChild() {
		const c = child;
		child = undefined;
		if (!c || c.exitCode !== null) return;
		const exited = new Promise((r) => c.once('exit', r));
		c.kill('SIGTERM');
		await exited;
	}

	await start();
	return {
		url,
		async restart() {
			await stopChild();
			await start();
		},
		async stop() {
			await stopChild();
			await fresh.drop().catch((e) => console.error('could not drop database', e));
			if (tmp) rmSync(tmp, { recursive: true, force: true });
		}
	};
}

/**
 * `startOwnServer` with a wall clock the spec moves: the server loads tests/e2e/clock-shift.mjs
 * (`node --import`, test harness only), which shifts that process's clock by what `shift(ms)`
 * writes into a file. The app has no test hooks: its timer jobs simply see time pass.
 */
export async function startClockedServer(
	port: number,
	label: string
): Promise<OwnServer & { shift(ms: number): void }> {
	const clockFile = path.join(os.tmpdir(), `lotlive-e2e-clock-${process.pid}-${port}.txt`);
	const clockShift = pathToFileURL(
		path.join(path.dirname(fileURLToPath(import.meta.url)), 'clock-shift.mjs')
	).href;
	writeFileSync(clockFile, '0');
	const srv = await startOwnServer(port, label, {
		env: {
			NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${clockShift}`].filter(Boolean).join(' '),
			E2E_CLOCK_FILE: clockFile
		}
	});
	return {
		...srv,
		shift: (ms) => writeFileSync(clockFile, String(ms)),
		async stop() {
			await srv.stop();
			rmSync(clockFile, { force: true });
		}
	};
}
