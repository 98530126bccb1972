import type { IncomingMessage, ServerResponse } from 'node:http';
import { areaOf } from '$lib/domain/roles';
import { LOCALE_COOKIE } from '$lib/i18n';
import { authenticateHeaders, parseCookies } from './auth/request';
import { secureFor, sessionCookieHeader } from './auth/cookies';
import { SESSION_COOKIE } from './auth/session';
import type { Principal } from './auth/principal';
import { apiLocaleOf, errorPayload, parseJsonText } from './http';
import { acquireLock } from './live/locks';
import { logger } from './log';
import { checkCsrf, csrfErrorBody, isJsonContentType, requestOrigin } from './origin';
import { placeOrder } from './orders';
import { webhookLimiter } from './ratelimit';
import { checkout } from './trade';
import { idempotencyKeyOf } from './trade/api';

/** What an API endpoint answers: status and JSON body. */
export interface ApiReply {
	status: number;
	body: unknown;
	/** Extra response headers (Retry-After on a 503). */
	headers?: Record<string, string>;
}

/**
 * The endpoints a flash sale (or a wholesale rush) hammers, as plain functions of (actor, path params, JSON body):
 * the SvelteKit routes answer with them, and so does the production server's lean path below.
 */
export async function lockAcquireReply(
	actor: Principal,
	showId: string,
	body: unknown,
	idempotencyKey?: string | null
): Promise<ApiReply> {
	const r = await acquireLock(actor, showId, body, { idempotencyKey });
	// A retry answered from its Idempotency-Key: the lock granted before, nothing new created.
	return { status: r.replayed ? 200 : 201, body: r };
}

export async function orderPostReply(actor: Principal, body: unknown): Promise<ApiReply> {
	// Per token (or person), counted in memory and synced across nodes each second.
	webhookLimiter.hit(actor.tokenId ?? actor.userId ?? '');
	const r = await placeOrder(actor, body, 'webhook');
	return { status: r.created ? 201 : 200, body: { order: r.order, created: r.created } };
}

/** Wholesale checkout (the Kit route POST /api/v1/trade/orders answers with the same reply). */
export async function tradeCheckoutReply(
	actor: Principal,
	body: unknown,
	idempotencyKey: string | undefined
): Promise<ApiReply> {
	const headers = new Headers();
	if (idempotencyKey !== undefined) headers.set('idempotency-key', idempotencyKey);
	const r = await checkout(actor, body, idempotencyKeyOf(headers));
	return { status: r.replayed ? 200 : 201, body: r };
}

const ROUTES: {
	pattern: RegExp;
	/** The same path as the OpenAPI document names it (openapi.test.ts holds them together). */
	openapi: string;
	reply: (
		actor: Principal,
		m: RegExpMatchArray,
		body: unknown,
		header: (name: string) => string | undefined
	) => Promise<ApiReply>;
}[] = [
	{
		pattern: /^\/api\/v1\/shows\/([^/]+)\/locks$/,
		openapi: '/api/v1/shows/{id}/locks',
		reply: (actor, m, body, header) =>
			lockAcquireReply(actor, decodePart(m[1]!), body, header('idempotency-key'))
	},
	{
		pattern: /^\/api\/v1\/orders$/,
		openapi: '/api/v1/orders',
		reply: (actor, _m, body) => orderPostReply(actor, body)
	},
	{
		pattern: /^\/api\/v1\/trade\/orders$/,
		openapi: '/api/v1/trade/orders',
		reply: (actor, _m, body, header) => tradeCheckoutReply(actor, body, header('idempotency-key'))
	}
];

/** The operations the lean path answers (all POST), for the OpenAPI coverage test. */
export const HOT_API_OPERATIONS = ROUTES.map((r) => ({
	method: 'POST',
	path: r.openapi,
	pattern: r.pattern
}));

/** A path segment as SvelteKit decodes it; a malformed escape stays as it is (then: 404). */
function decodePart(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

/** Bodies above this (or of unknown length) take the SvelteKit path. */
const MAX_BODY = 1_000_000;

/**
 * The production server's lean path for the hot endpoints: SvelteKit builds a WHATWG Request and
 * Response and runs every hook for each call, which costs several times what placing a lock
 * does. Here an authenticated JSON POST to one of ROUTES is answered straight from Node's
 * request, with the same authentication, the same reply function, the same validation (inside
 * the services) and the same error bodies, locale and renewed session cookie. Anything else (no
 * caller, another content type, a chunked or large body, an area path) resolves to false before
 * the body is read, and the SvelteKit handler answers it exactly as before.
 */
export function hotApi(req: IncomingMessage, res: ServerResponse): false | Promise<boolean> {
	if (req.method !== 'POST' || !req.url?.startsWith('/api/v1/')) return false;
	const q = req.url.indexOf('?');
	const path = q < 0 ? req.url : req.url.slice(0, q);
	let match: RegExpMatchArray | null = null;
	const route = ROUTES.find((r) => (match = path.match(r.pattern)));
	if (!route || !match || areaOf(path)) return false;
	// The media type exactly: `text/plain; charset=application/json` is what a cross-site form
	// sends without a preflight, and SvelteKit's path (the hooks' origin check) answers it.
	if (!isJsonContentType(req.headers['content-type'])) return false;
	const length = Number(req.headers['content-length']);
	if (!Number.isSafeInteger(length) || length > MAX_BODY) return false;
	const m: RegExpMatchArray = match;
	const csrf = checkCsrf({
		method: 'POST',
		header: (name) => headerOf(req, name),
		protocol: connectionProtocol(req)
	});
	if (!csrf.ok) {
		const cookies = parseCookies(req.headers.cookie);
		const locale = apiLocaleOf(cookies.get(LOCALE_COOKIE), req.headers['accept-language']);
		const text = JSON.stringify(csrfErrorBody(locale, csrf.origin));
		res.writeHead(403, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text)
		});
		res.end(text);
		req.resume();
		return Promise.resolve(true);
	}
	return (async () => {
		const cookies = parseCookies(req.headers.cookie);
		const locale = apiLocaleOf(cookies.get(LOCALE_COOKIE), req.headers['accept-language']);
		let auth: Awaited<ReturnType<typeof authenticateHeaders>>;
		try {
			auth = await authenticateHeaders({
				cookie: req.headers.cookie ?? null,
				authorization: req.headers.authorization ?? null
			});
		} catch (e) {
			// The session lookup failed (the database is restarting): answer here, 503 + Retry-After.
			writeReply(res, errorPayload(e, locale), {});
			return true;
		}
		// No caller: SvelteKit answers the 401.
		if (!auth) return false;
		const started = performance.now();
		let reply: ApiReply;
		try {
			reply = await route.reply(auth.principal, m, parseJsonText(await readBody(req)), (name) => {
				const v = req.headers[name];
				return Array.isArray(v) ? v.join(', ') : v;
			});
		} catch (e) {
			reply = errorPayload(e, locale);
		}
		const headers: Record<string, string | number> = {};
		// A session whose expiry just slid forward: the browser gets the cookie again, as the
		// SvelteKit hook would send it.
		if (auth.session?.renewed) {
			headers['set-cookie'] = sessionCookieHeader(
				cookies.get(SESSION_COOKIE)!,
				auth.session.expiresAt,
				secureFor(requestProtocol(req))
			);
		}
		writeReply(res, reply, headers);
		logger().debug(
			{
				method: 'POST',
				path,
				status: reply.status,
				ms: Math.round((performance.now() - started) * 10) / 10
			},
			'request'
		);
		return true;
	})();
}

function writeReply(
	res: ServerResponse,
	reply: ApiReply,
	headers: Record<string, string | number>
): void {
	const text = JSON.stringify(reply.body);
	res.writeHead(reply.status, {
		...headers,
		...reply.headers,
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

/** One request header as a string (repeated ones joined, as fetch's Headers does). */
function headerOf(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name.toLowerCase()];
	return Array.isArray(v) ? v.join(', ') : v;
}

/** How the request reached this process: TLS on the socket or not. */
function connectionProtocol(req: IncomingMessage): string {
	return (req.socket as { encrypted?: boolean }).encrypted ? 'https:' : 'http:';
}

/** The request's protocol as url.protocol has it on the SvelteKit side (see origin.ts). */
function requestProtocol(req: IncomingMessage): string {
	const own = requestOrigin((name) => headerOf(req, name), connectionProtocol(req));
	return own ? new URL(own).protocol : connectionProtocol(req);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
