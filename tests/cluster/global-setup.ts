// Builds once for the cluster drill, unless build/ is already newer than every source file
// (as it is right after `test:e2e`, whose web server step builds).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

export default function globalSetup() {
	const built = path.join(root, 'build', 'handler.js');
	const sources = Math.max(
		newest(path.join(root, 'src')),
		statSync(path.join(root, 'package-lock.json')).mtimeMs
	);
	if (existsSync(built) && statSync(built).mtimeMs > sources) return;
	execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
