import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The three-node drill (tests/cluster): its own run, not part of `test:e2e`. It starts a private
// Postgres, three production servers and HAProxy itself (tests/cluster/harness.ts); the build
// comes from the global setup (skipped when build/ is newer than the sources).
export default defineConfig({
	...base,
	testDir: 'tests/cluster',
	testMatch: '**/*.spec.ts',
	globalSetup: './tests/cluster/global-setup.ts',
	timeout: 120_000,
	expect: { timeout: 10_000 },
	webServer: undefined,
	projects: [{ name: 'cluster' }],
	use: { ...base.use, baseURL: undefined }
});
