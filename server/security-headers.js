// Security headers, in one place. The production server (server/index.js) and `vite dev`
// (server/dev-plugin.js) put BASE_HEADERS on every response before anything answers it: pages,
// /api/v1, the hot path, /media, socket.io. Pages get SvelteKit's Content-Security-Policy
// instead of the base one (kit.csp in svelte.config.js is built from PAGE_CSP, with a nonce for
// SvelteKit's inline start-up script); SvelteKit's header replaces the base header on them.

/**
 * CSP of the app's pages, in SvelteKit's kit.csp.directives form. connect-src 'self' covers
 * socket.io (polling and websocket) and the Yjs websocket at /collab on the same host; inline
 * styles are allowed because Svelte writes style attributes and transition styles.
 * @type {NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>}
 */
export const PAGE_CSP = {
	'default-src': ['self'],
	'script-src': ['self'],
	'style-src': ['self', 'unsafe-inline'],
	'img-src': ['self', 'data:', 'blob:'],
	'media-src': ['self', 'blob:'],
	'font-src': ['self', 'data:'],
	'connect-src': ['self'],
	'worker-src': ['self', 'blob:'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self'],
	'frame-ancestors': ['none']
};

/** On every response; pages replace the CSP with PAGE_CSP's. */
export const BASE_HEADERS = {
	// Non-page responses (JSON, media, files) run nothing and are never framed.
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'strict-origin-when-cross-origin',
	'x-frame-options': 'DENY'
};

/** @param {import('node:http').ServerResponse} res */
export function applySecurityHeaders(res) {
	for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
}
