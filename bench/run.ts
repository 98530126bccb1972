// `npm run bench`: runs every bench/*.ts (this file excepted) one after another; each prints one
// JSON line of figures on stdout. Pass names to run some: `npm run bench -- auth catalog`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
	.filter((f) => f.endsWith('.ts') && f !== 'run.ts')
	.filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')))
	.sort();
let failed = 0;
for (const f of files) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f)], {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: process.env
	});
	if (r.status !== 0) {
		failed++;
		process.stderr.write(`bench ${f} failed (exit ${r.status})\n`);
	}
}
process.exit(failed ? 1 : 0);
