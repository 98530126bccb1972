import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { PAGE_CSP } from './server/security-headers.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: 'build', precompress: false }),
		// SvelteKit's origin check is replaced by ours in hooks.server.ts ($lib/server/origin.ts),
		// shared with the hot API path: Kit's compares with adapter-node's url.origin, which is
		// https://<Host> without ORIGIN and refused every form post of `npm start` over http.
		csrf: { trustedOrigins: ['*'] },
		csp: { mode: 'auto', directives: PAGE_CSP },
		// Absolute asset URLs: the 403 page is rendered at /forbidden and sent on nested paths,
		// where relative ones would point into the refused area.
		paths: { relative: false }
	}
};

export default config;
