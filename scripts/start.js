// `npm start`: builds the app when build/ is missing or older than the sources, then runs the
// production server (server/index.js). With no DATABASE_URL it uses embedded PGlite under ./data
// and seeds the demo marketplace on first start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const marker = path.join(root, 'build', 'handler.js');

/** @param {string} dir @returns {number} newest mtime under dir */
function newest(dir) {
	let max = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return max;
}

const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) =>
	path.join(root, p)
);
const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
const stale =
	built === 0 ||
	sources.some(
		(s) => existsSync(s) && (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs) > built
	);

if (stale && process.env.LOTLIVE_SKIP_BUILD !== '1') {
	console.log(built === 0 ? 'Building LotLive (first start)…' : 'Sources changed; rebuilding…');
	const r = spawnSync(
		process.execPath,
		[path.join(root, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: root,
			stdio: 'inherit',
			env: { ...process.env, NODE_ENV: 'production' }
		}
	);
	if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.NODE_ENV ??= 'production';
process.chdir(root);
await import('../server/index.js');
