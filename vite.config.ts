import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { lotliveRuntime } from './server/dev-plugin.js';

export default defineConfig({
	plugins: [sveltekit(), lotliveRuntime()],
	server: { port: 3000 },
	test: {
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					sequence: { groupOrder: 0 },
					environment: 'node',
					include: ['src/**/*.test.ts']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'integration',
					sequence: { groupOrder: 1 },
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					setupFiles: ['tests/integration/setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					// each file gets its own database; two at a time keeps 2 cores busy
					maxWorkers: 2
				}
			}
		]
	}
});
