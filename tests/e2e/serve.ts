// Starts the production server for the e2e run on a fresh database: a new Postgres database when
// DATABASE_URL is set (dropped afterwards), otherwise PGlite in a temporary directory. The demo
// marketplace is seeded, so tests sign in with the README's demo accounts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../helpers/database';

const fresh = await freshDatabase('e2e');
let tmp: string | undefined;
const env: Record<string, string | undefined> = { ...process.env, ...fresh.env };
if (fresh.kind === 'pglite') {
	tmp = mkdtempSync(path.join(os.tmpdir(), 'lotlive-e2e-'));
	env.PGLITE_DIR = path.join(tmp, 'pglite');
	env.DATA_DIR = tmp;
	delete env.DATABASE_URL;
}
env.PORT = process.env.E2E_PORT ?? '4173';
env.HOST = '127.0.0.1';
env.SEED_DEMO = 'true';
env.NODE_ENV = 'production';
env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
env.ORIGIN = `http://127.0.0.1:${env.PORT}`;

const child = spawn(process.execPath, ['server/index.js'], { env, stdio: 'inherit' });
let cleaning = false;
async function cleanup(code: number) {
	if (cleaning) return;
	cleaning = true;
	if (child.exitCode === null) {
		child.kill('SIGTERM');
		await new Promise((r) => child.once('exit', r));
	}
	await fresh.drop().catch((e) => console.error('could not drop e2e database', e));
	if (tmp) rmSync(tmp, { recursive: true, force: true });
	process.exit(code);
}
child.on('exit', (code) => void cleanup(code ?? 1));
process.on('SIGTERM', () => void cleanup(0));
process.on('SIGINT', () => void cleanup(0));
