import type { IncomingMessage, ServerResponse } from 'node:http';
import { areaOf } from '$lib/domain/roles';
import { LOCALE_COOKIE } from '$lib/i18n';
import { authenticateHeaders, parseCookies } from './auth/request';
import { secureFor, sessionCookieHeader } from './auth/cookies';
import { SESSION_COOKIE } from './auth/session';
import type { Actor } from './auth/service';
import { apiLocaleOf, errorPayload, parseJsonText } from './http';
import { acquireLock } from './live/locks';
import { logger } from './log';
import { placeOrder } from './orders';
import { webhookLimiter } from './ratelimit';

/** What an API endpoint answers: status and JSON body. */
export interface ApiReply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/**
 * The two endpoints a flash sale hammers, as plain functions of (actor, path params, JSON body):
 * the SvelteKit routes answer with them, and so does the production server's lean path below.
 */
export async function lockAcquireReply(
	actor: Actor,
	showId: string,
	body: unknown
): Promise<ApiReply> {
	return { status: 201, body: await acquireLock(actor, showId, body) };
}

export async function orderPostReply(actor: Actor, body: unknown): Promise<ApiReply> {
	// Per token (or person), counted in memory and synced across nodes each second.
	webhookLimiter.hit(actor.kind === 'token' ? actor.tokenId : actor.user.id);
	const r = await placeOrder(actor, body, 'webhook');
	return { status: r.created ? 201 : 200, body: { order: r.order, created: r.created } };
}

const ROUTES: {
	pattern: RegExp;
	reply: (actor: Actor, m: RegExpMatchArray, body: unknown) => Promise<ApiReply>;
}[] = [
	{
		pattern: /^\/api\/v1\/shows\/([^/]+)\/locks$/,
		reply: (actor, m, body) => lockAcquireReply(actor, decodePart(m[1]!), body)
	},
	{ pattern: /^\/api\/v1\/orders$/, reply: (actor, _m, body) => orderPostReply(actor, body) }
];

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
	if (!(req.headers['content-type'] ?? '').includes('application/json')) return false;
	const length = Number(req.headers['content-length']);
	if (!Number.isSafeInteger(length) || length > MAX_BODY) return false;
	const m: RegExpMatchArray = match;
	return (async () => {
		const auth = await authenticateHeaders({
			cookie: req.headers.cookie ?? null,
			authorization: req.headers.authorization ?? null
		});
		// No caller: SvelteKit answers the 401.
		if (!auth) return false;
		const cookies = parseCookies(req.headers.cookie);
		const locale = apiLocaleOf(cookies.get(LOCALE_COOKIE), req.headers['accept-language']);
		const started = performance.now();
		let reply: ApiReply;
		try {
			reply = await route.reply(auth.actor, m, parseJsonText(await readBody(req)));
		} catch (e) {
			reply = errorPayload(e, locale);
		}
		const text = JSON.stringify(reply.body);
		const headers: Record<string, string | number> = {
			...reply.headers,
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text)
		};
		// A session whose expiry just slid forward: the browser gets the cookie again, as the
		// SvelteKit hook would send it.
		if (auth.session?.renewed) {
			headers['set-cookie'] = sessionCookieHeader(
				cookies.get(SESSION_COOKIE)!,
				auth.session.expiresAt,
				secureFor(requestProtocol(req))
			);
		}
		res.writeHead(reply.status, headers);
		res.end(text);
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

/** The request's protocol as adapter-node derives it: ORIGIN, else PROTOCOL_HEADER, else https. */
function requestProtocol(req: IncomingMessage): string {
	const origin = process.env.ORIGIN;
	if (origin) {
		try {
			return new URL(origin).protocol;
		} catch {
			/* adapter-node refuses to start with a bad ORIGIN */
		}
	}
	const header = (process.env.PROTOCOL_HEADER ?? '').toLowerCase();
	const value = header ? req.headers[header] : undefined;
	return `${(Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || 'https'}:`;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
