import os from 'node:os';
import { translate, type Locale } from '$lib/i18n';
import { env } from './env';

/**
 * Cross-site request forgery: the ONE origin check of LotLive, used by hooks.server.ts for every
 * SvelteKit request (pages, form actions, /api/v1, media) and by the production server's lean
 * path for the hot endpoints (hot-api.ts). SvelteKit's own check is switched off
 * (svelte.config.js) because it compares with adapter-node's url.origin, which without ORIGIN is
 * https://<Host> and so refused every form post of `npm start` opened over http.
 *
 * A state-changing request is accepted when its Origin header is
 * - the request's own origin (ORIGIN, else the protocol and Host it arrived with, as adapter-node
 *   derives url.origin; also https://<Host>, which a TLS-terminating proxy without
 *   PROTOCOL_HEADER yields), or
 * - on the allow-list: ORIGIN, ALLOWED_ORIGINS, and the addresses this server listens on
 *   (localhost, 127.0.0.1, [::1] and every LAN interface address on PORT), printed at start.
 * A browser cannot forge Origin or Host. Without an Origin header a body a plain HTML form can
 * send (urlencoded, multipart, text/plain) is refused as SvelteKit refuses it; other bodies need
 * a CORS preflight from a browser, which LotLive never grants, so they come from non-browser
 * clients. Requests with a Bearer token and no cookie are not CSRF-able (a browser never adds
 * that header by itself) and pass: webhooks keep working.
 */

export type HeaderGetter = (name: string) => string | null | undefined;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What an HTML form (or a no-preflight fetch) can send cross-site. */
const FORM_MEDIA_TYPES = new Set([
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain'
]);

/** The media type of a Content-Type header, lower-case, without parameters. */
function mediaTypeOf(contentType: string | null | undefined): string {
	return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Content-Type is application/json (parameters such as charset allowed), exactly. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
	return mediaTypeOf(contentType) === 'application/json';
}

export interface OriginConfig {
	/** ORIGIN: the public URL, when set. */
	origin?: string;
	/** ALLOWED_ORIGINS plus the addresses the server listens on. */
	allowed: readonly string[];
	protocolHeader?: string;
	hostHeader?: string;
}

/** First value of a possibly repeated, comma-joined proxy header. */
function firstValue(v: string | null | undefined): string | undefined {
	const first = v?.split(',')[0]?.trim();
	return first ? first : undefined;
}

/**
 * The request's own origin as adapter-node derives url.origin: ORIGIN, else PROTOCOL_HEADER's
 * value (else the connection's protocol) and HOST_HEADER's value (else Host).
 */
export function requestOrigin(
	header: HeaderGetter,
	connectionProtocol: string,
	cfg: OriginConfig = originConfig()
): string | null {
	if (cfg.origin) return cfg.origin;
	const proto =
		(cfg.protocolHeader && firstValue(header(cfg.protocolHeader))) ||
		connectionProtocol.replace(/:$/, '');
	const host = (cfg.hostHeader && firstValue(header(cfg.hostHeader))) || header('host');
	return host ? `${proto}://${host}` : null;
}

export type CsrfVerdict = { ok: true } | { ok: false; origin: string | null };

export interface CsrfRequest {
	method: string;
	header: HeaderGetter;
	/** 'http:' or 'https:', how the request reached this server (url.protocol in SvelteKit). */
	protocol: string;
}

/** Whether a request may change anything, judged by its Origin (see the comment above). */
export function checkCsrf(req: CsrfRequest, cfg: OriginConfig = originConfig()): CsrfVerdict {
	if (SAFE_METHODS.has(req.method.toUpperCase())) return { ok: true };
	const cookie = req.header('cookie');
	const authorization = req.header('authorization');
	if (!cookie && authorization && /^bearer\s/i.test(authorization)) return { ok: true };
	const origin = req.header('origin');
	if (origin) {
		if (origin === requestOrigin(req.header, req.protocol, cfg)) return { ok: true };
		const host = req.header('host');
		if (host && origin === `https://${host}`) return { ok: true };
		if (cfg.origin === origin || cfg.allowed.includes(origin)) return { ok: true };
		return { ok: false, origin };
	}
	return FORM_MEDIA_TYPES.has(mediaTypeOf(req.header('content-type')))
		? { ok: false, origin: null }
		: { ok: true };
}

/** ALLOWED_ORIGINS (comma or space separated) as origins; a malformed entry fails the start. */
export function parseAllowedOrigins(list: string | undefined): string[] {
	const out: string[] = [];
	for (const item of (list ?? '').split(/[\s,]+/)) {
		if (!item) continue;
		let url: URL | undefined;
		try {
			url = new URL(item);
		} catch {
			url = undefined;
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
			throw new Error(
				`ALLOWED_ORIGINS: "${item}" is not an http(s) origin such as https://a.example`
			);
		out.push(url.origin);
	}
	return out;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * The origins a browser uses to reach this server directly: localhost, 127.0.0.1, [::1] and each
 * LAN interface address on the port, when it listens on every interface; else the one host.
 */
export function localOrigins(
	host: string,
	port: number,
	interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()
): string[] {
	const at = (h: string) =>
		`http://${h.includes(':') ? `[${h}]` : h}${port === 80 ? '' : `:${port}`}`;
	const loopback = ['localhost', '127.0.0.1', '::1'];
	if (!WILDCARD_HOSTS.has(host)) {
		return loopback.includes(host) ? loopback.map(at) : [at(host)];
	}
	const lan: string[] = [];
	for (const infos of Object.values(interfaces)) {
		for (const i of infos ?? []) {
			// link-local IPv6 addresses need a zone id, which browsers do not accept in a URL
			if (i.internal || (i.family === 'IPv6' && i.address.startsWith('fe80:'))) continue;
			lan.push(at(i.address));
		}
	}
	return [...new Set([...loopback.map(at), ...lan])];
}

const key = Symbol.for('lotlive.origins');
type G = typeof globalThis & { [key]?: { port?: number; cfg?: OriginConfig } };
function state() {
	const g = globalThis as G;
	return (g[key] ??= {});
}

/** The origin configuration of this process (cached; listening() sets the real port). */
function originConfig(): OriginConfig {
	const s = state();
	if (!s.cfg) {
		const e = env();
		s.cfg = {
			origin: e.ORIGIN,
			allowed: [
				...new Set([
					...parseAllowedOrigins(e.ALLOWED_ORIGINS),
					...localOrigins(e.HOST, s.port ?? e.PORT)
				])
			],
			protocolHeader: e.PROTOCOL_HEADER?.toLowerCase() || undefined,
			hostHeader: e.HOST_HEADER?.toLowerCase() || undefined
		};
	}
	return s.cfg;
}

/**
 * Called once the server listens (the port may have been 0): the allow-list for that port, to be
 * printed at start.
 */
export function listeningOrigins(port: number): string[] {
	const s = state();
	s.port = port;
	s.cfg = undefined;
	const cfg = originConfig();
	return [...new Set([...(cfg.origin ? [cfg.origin] : []), ...cfg.allowed])];
}

/** The 403 body of a refused cross-site request, in the caller's language. */
export function csrfErrorBody(locale: Locale, origin: string | null) {
	return {
		error: {
			code: 'csrf',
			message: origin
				? translate(locale, 'error.csrf_origin', { origin })
				: translate(locale, 'error.csrf'),
			field: 'origin'
		}
	};
}

/**
 * Whether a websocket upgrade or socket.io request comes from a page of another site carrying
 * this site's cookies (cross-site websocket hijacking): it has an Origin that the same check as
 * form posts refuses. Clients that send no Origin (servers, scripts) or no cookie are not a
 * browser riding on a session and pass to the socket's own authentication.
 */
export function crossSiteSocket(header: HeaderGetter, connectionProtocol: string): boolean {
	if (!header('origin') || !header('cookie')) return false;
	return !checkCsrf({ method: 'POST', header, protocol: connectionProtocol }).ok;
}
