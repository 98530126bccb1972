import { existsSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';

/** Chromium to drive: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own. */
function chromiumPath(): string | undefined {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist.`);
		return fromEnv;
	}
	if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
	let own: string | undefined;
	try {
		own = chromium.executablePath();
	} catch {
		own = undefined;
	}
	if (own && existsSync(own)) return undefined;
	throw new Error(
		'No Chromium found for the e2e tests. Install one (Debian: `apt-get install -y chromium`) ' +
			'or set CHROMIUM_PATH to a Chromium/Chrome binary.'
	);
}

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 7_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		locale: 'zh-CN',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: chromiumPath(),
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-dev-shm-usage'
			]
		}
	},
	webServer: {
		command: 'npm run build && tsx tests/e2e/serve.ts',
		url: `http://127.0.0.1:${port}/healthz`,
		timeout: 300_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		stderr: 'pipe',
		gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
		env: { E2E_PORT: String(port) }
	}
});
