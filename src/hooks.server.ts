import {
	json,
	redirect,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { areaOf, mayEnter } from '$lib/domain/roles';
import { DEFAULT_LOCALE, LOCALE_COOKIE, isLocale, negotiate } from '$lib/i18n';
import { randomUUID } from 'node:crypto';
import { authenticateHeaders } from '$lib/server/auth/request';
import { withLocale } from '$lib/server/auth/principal';
import { apiLocaleOf, errorPayload, retryAfterHeaders } from '$lib/server/http';
import { failureOf, pageError, pageErrorBody } from '$lib/server/edge';
import { AppError, forbidden, isDatabaseUnavailable, unauthenticated } from '$lib/server/errors';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { logger } from '$lib/server/log';
import { checkCsrf, csrfErrorBody } from '$lib/server/origin';
import { ready } from '$lib/server/runtime';
import { checkPathParams } from '$lib/server/validation';

/** Migrations, demo seed and background jobs, before the first request is served. */
export const init: ServerInit = async () => {
	await ready();
};

const handleAuth: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.principal = null;
	const auth = await authenticateHeaders({
		cookie: event.request.headers.get('cookie'),
		authorization: event.request.headers.get('authorization')
	});
	if (auth) {
		event.locals.principal = auth.principal;
		if (auth.user) {
			event.locals.user = auth.user;
			event.locals.session = auth.session ?? null;
			if (auth.session?.renewed)
				setSessionCookie(event, event.cookies.get(SESSION_COOKIE)!, auth.session.expiresAt);
		}
	} else if (event.cookies.get(SESSION_COOKIE)) {
		// Expired or unknown session: drop the stale cookie.
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
	}
	return resolve(event);
};

const handleLocale: Handle = async ({ event, resolve }) => {
	const cookie = event.cookies.get(LOCALE_COOKIE);
	const accepted = negotiate(event.request.headers.get('accept-language'));
	const userLocale = event.locals.user?.locale;
	event.locals.locale = isLocale(cookie)
		? cookie
		: isLocale(userLocale)
			? userLocale
			: (accepted ?? DEFAULT_LOCALE);
	event.locals.apiLocale = apiLocaleOf(cookie, event.request.headers.get('accept-language'));
	// The caller writes in the request's language: the page's, or the API's for /api and tokens.
	if (event.locals.principal) {
		const api = event.url.pathname.startsWith('/api/') || !event.locals.user;
		event.locals.principal = withLocale(
			event.locals.principal,
			api ? event.locals.apiLocale : event.locals.locale
		);
	}
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale)
	});
};

/** The carrier's delivered push proves itself with its signature (trade/carrier.ts), not a login. */
const CARRIER_PUSH = '/api/v1/trade/carrier/';

/**
 * Cross-site request check for every state-changing request (the one shared with the hot path,
 * $lib/server/origin.ts; SvelteKit's own is off). A refused form post says why on the page: the
 * app's error page for a plain form post, an ActionResult error for use:enhance (which renders
 * that page too), JSON {error:{code:'csrf'}} for the API.
 */
const handleCsrf: Handle = async ({ event, resolve }) => {
	// The carrier's push (a form post from 快递100's servers, no Origin) carries no cookie and
	// proves itself with its signature: there is no ambient authority to forge.
	if (event.url.pathname.startsWith(CARRIER_PUSH) && !event.request.headers.get('cookie'))
		return resolve(event);
	const verdict = checkCsrf({
		method: event.request.method,
		header: (name) => event.request.headers.get(name),
		protocol: event.url.protocol
	});
	if (verdict.ok) return resolve(event);
	logger().warn(
		{ method: event.request.method, path: event.url.pathname, origin: verdict.origin },
		'cross-site request refused'
	);
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		const body = csrfErrorBody(event.locals.locale, verdict.origin).error;
		return json(
			{ type: 'error', error: pageErrorBody({ code: body.code, message: body.message }) },
			{ status: 403 }
		);
	}
	const accept = event.request.headers.get('accept') ?? '';
	if (event.url.pathname.startsWith('/api/') || !accept.includes('text/html')) {
		return json(csrfErrorBody(event.locals.apiLocale, verdict.origin), { status: 403 });
	}
	return errorPage(event, '/forbidden?reason=csrf');
};

const PUBLIC_API = ['/api/v1/auth/', '/api/v1/openapi.json', CARRIER_PUSH];

/**
 * Every /api/v1 call needs a session or a Bearer token, except signing in, the API document and
 * the carrier's signed push.
 */
const handleApiAuth: Handle = async ({ event, resolve }) => {
	const p = event.url.pathname;
	if (
		p.startsWith('/api/') &&
		!event.locals.principal &&
		!PUBLIC_API.some((x) => p === x || p.startsWith(x))
	) {
		const { status, body } = errorPayload(unauthenticated(), event.locals.apiLocale);
		return json(body, { status });
	}
	return resolve(event);
};

/**
 * The app's own translated 403 page, rendered at `path` and sent for this request. Asset URLs are
 * absolute (paths.relative = false), so it loads its CSS and JS on any nested path; the page's
 * Content-Security-Policy travels with it, since its inline script carries that policy's nonce.
 */
async function errorPage(event: RequestEvent, path: string): Promise<Response> {
	const page = await event.fetch(path, {
		headers: {
			accept: 'text/html',
			'accept-language': event.request.headers.get('accept-language') ?? ''
		}
	});
	const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
	for (const name of ['content-security-policy', 'content-security-policy-report-only']) {
		const value = page.headers.get(name);
		if (value) headers.set(name, value);
	}
	return new Response(await page.text(), { status: 403, headers });
}

async function forbiddenResponse(event: RequestEvent): Promise<Response> {
	const wantsHtml =
		(event.request.method === 'GET' || event.request.method === 'HEAD') &&
		(event.request.headers.get('accept') ?? '').includes('text/html');
	if (wantsHtml) return errorPage(event, '/forbidden');
	const { status, body } = errorPayload(forbidden('error.403'), event.locals.apiLocale);
	return json(body, { status });
}

/** Role guard for every page and endpoint under an area, in one place (actions included). */
const handleGuard: Handle = async ({ event, resolve }) => {
	const area = areaOf(event.url.pathname);
	if (area) {
		const user = event.locals.user;
		if (!user) {
			const next = event.url.pathname + event.url.search;
			redirect(303, `/sign-in?next=${encodeURIComponent(next)}`);
		}
		if (!mayEnter(user.role, area)) return forbiddenResponse(event);
	}
	return resolve(event);
};

const handleLog: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const ms = Math.round((performance.now() - started) * 10) / 10;
	logger().debug(
		{ method: event.request.method, path: event.url.pathname, status: response.status, ms },
		'request'
	);
	return response;
};

/**
 * Requests whose page or endpoint failed because the database was unreachable (handleError).
 * Keyed by the Request: the event handleError is given for a page load is not always the object
 * the handles saw, the request is.
 */
const unreachable = new WeakSet<Request>();

/**
 * While Postgres is unreachable (restart, failover) every request is answered 503 with
 * Retry-After instead of 500: the request was not wrong and a retry succeeds once the pool has
 * reconnected by itself. Catches failures in the hooks (the session lookup) and, through
 * handleError, in pages and endpoints.
 */
const handleUnavailable: Handle = async ({ event, resolve }) => {
	event.locals.requestId = randomUUID();
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		if (!isDatabaseUnavailable(e)) throw e;
		const locale = apiLocaleOf(
			event.cookies.get(LOCALE_COOKIE),
			event.request.headers.get('accept-language')
		);
		const { status, body, headers } = errorPayload(e, locale);
		return json(body, { status, headers });
	}
	if (response.status === 500 && unreachable.has(event.request)) {
		const headers = new Headers(response.headers);
		for (const [k, v] of Object.entries(retryAfterHeaders())) headers.set(k, v);
		return new Response(response.body, { status: 503, headers });
	}
	return response;
};

/**
 * Every id in a route's path is checked here, once, before any handler could send it to the
 * database: not a uuid → 400 naming the parameter (JSON for the API, the error page otherwise).
 */
const handlePathParams: Handle = async ({ event, resolve }) => {
	const bad = checkPathParams(event.params);
	if (bad) {
		if (event.url.pathname.startsWith('/api/')) {
			const { status, body } = errorPayload(bad, event.locals.apiLocale);
			return json(body, { status });
		}
		throw pageError(bad, event);
	}
	return resolve(event);
};

export const handle = sequence(
	handleUnavailable,
	handleLog,
	handleAuth,
	handleLocale,
	handleCsrf,
	handleApiAuth,
	handleGuard,
	handlePathParams
);

/**
 * Whatever a page or endpoint threw that no wrapper answered (pageLoad leaves unexpected errors
 * and an unreachable database here): the same mapping as every other door (edge.ts failureOf),
 * so the error page gets a translated message, a code and, for a 500, the request id that the
 * log line names.
 */
export const handleError: HandleServerError = ({ error: err, event, status }) => {
	const locale = event.locals.locale ?? DEFAULT_LOCALE;
	if (isDatabaseUnavailable(err)) unreachable.add(event.request);
	if (status === 404) return pageErrorBody(failureOf(notFoundPage(), locale).error);
	// Kit's own refusals (405 method not allowed, a form post to an unknown action …)
	if (status >= 400 && status < 500 && !(err instanceof AppError))
		return pageErrorBody(failureOf(badRequest(), locale).error);
	const f = failureOf(err, locale, {
		requestId: event.locals.requestId,
		where: `${event.request.method} ${event.url.pathname}`
	});
	return pageErrorBody(f.error);
};

/** A path that no route answers. */
const notFoundPage = () => new AppError('not_found', 'not_found', 'error.404');
/** A request Kit itself refused before any handler ran. */
const badRequest = () => new AppError('invalid', 'invalid_input', 'error.invalid_input');
