import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Starts tests/helpers/collab-node.ts (or another node `script`) in a child process (tsx) and
 * resolves once it listens.
 * `env` replaces the database settings of this process (DATABASE_URL / PGLITE_DIR).
 */
export async function spawnNode(
	env: Record<string, string>,
	port: number,
	script = 'tests/helpers/collab-node.ts'
): Promise<{ url: string; pid: number; child: ChildProcess; stop: () => Promise<void> }> {
	const childEnv: Record<string, string | undefined> = { ...process.env };
	delete childEnv.DATABASE_URL;
	delete childEnv.PGLITE_DIR;
	Object.assign(
		childEnv,
		{
			SEED_DEMO: 'false',
			PAYMENT_TEST_PROVIDER: 'on',
			LOG_LEVEL: process.env.NODE_LOG_LEVEL ?? 'warn',
			PORT: String(port)
		},
		env
	);
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], {
		cwd: root,
		env: childEnv,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const listening = await new Promise<number>((resolve, reject) => {
		let buf = '';
		const timer = setTimeout(() => reject(new Error('node did not start in 60 s')), 60_000);
		child.stdout!.on('data', (d: Buffer) => {
			buf += d.toString();
			for (const line of buf.split('\n')) {
				try {
					const msg = JSON.parse(line) as { listening?: number };
					if (msg.listening) {
						clearTimeout(timer);
						resolve(msg.listening);
					}
				} catch {
					/* a log line */
				}
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`node exited with ${code} before listening`));
		});
	});
	// the node's logs (pino, stdout) go to our stderr
	child.stdout!.removeAllListeners('data');
	child.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
	return {
		url: `http://127.0.0.1:${listening}`,
		pid: child.pid!,
		child,
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	};
}
