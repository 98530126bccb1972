import { spawn, type ChildProcess } from 'node:child_process';

/** A production server process (server/index.js from build/) on its own port. */
export interface ServerProcess {
	url: string;
	port: number;
	proc: ChildProcess;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServerProcess(
	port: number,
	env: Record<string, string | undefined>
): Promise<ServerProcess> {
	// LOTLIVE_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles a bench's server.
	const nodeArgs = (process.env.LOTLIVE_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const proc = spawn(process.execPath, [...nodeArgs, 'server/index.js'], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			LOG_LEVEL: 'warn',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: `http://127.0.0.1:${port}`,
			...env
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`server on ${port} exited with ${proc.exitCode}`);
		try {
			const r = await fetch(`${url}/healthz`);
			if (r.ok) break;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) throw new Error(`server on ${port} did not start`);
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		port,
		proc,
		async stop(signal: NodeJS.Signals = 'SIGTERM') {
			if (proc.exitCode !== null || proc.signalCode !== null) return;
			const exited = new Promise((r) => proc.once('exit', r));
			proc.kill(signal);
			await exited;
		}
	};
}

/** Signs in over the JSON API and returns the session cookie header. */
export async function apiSignIn(
	url: string,
	email: string,
	password = 'demo1234'
): Promise<string> {
	const r = await fetch(`${url}/api/v1/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password })
	});
	if (!r.ok) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
	const cookie = r.headers.getSetCookie().find((c) => c.startsWith('lotlive_session='));
	return cookie!.split(';')[0]!;
}
