import { isHttpError, isRedirect, json, type RequestEvent } from '@sveltejs/kit';
import { isLocale, negotiate, translate, type Locale } from '$lib/i18n';
import type { SessionUser } from './auth/session';
import type { Principal } from './auth/principal';
import { AppError, forbidden, unauthenticated, type ErrorBody } from './errors';
import { failureOf, type FailureContext } from './edge';
import type { Role } from '$lib/domain/roles';

export { formObject, retryAfterHeaders, translator } from './edge';

/**
 * The error body and status for anything a handler threw (edge.ts `failureOf`, the same mapping
 * as pages, forms and socket acks). Unknown errors are logged with a request id, not shown. An
 * unreachable database (Postgres restarting) is a 503 with Retry-After, not a 500: the request
 * was fine and a retry will succeed once the pool has reconnected.
 */
export function errorPayload(
	e: unknown,
	locale: Locale,
	ctx: FailureContext = {}
): { status: number; body: ErrorBody; headers?: Record<string, string> } {
	const f = failureOf(e, locale, ctx);
	return {
		status: f.status,
		body: { error: f.error },
		...(f.headers ? { headers: f.headers } : {})
	};
}

export function errorResponse(e: unknown, locale: Locale, ctx: FailureContext = {}): Response {
	const { status, body, headers } = errorPayload(e, locale, ctx);
	return json(body, { status, headers });
}

/** Wraps an API handler so AppErrors become `{error:{code,message,field}}` with their status. */
export function api<E extends RequestEvent>(fn: (event: E) => Promise<Response> | Response) {
	return async (event: E): Promise<Response> => {
		try {
			return await fn(event);
		} catch (e) {
			if (isRedirect(e) || isHttpError(e)) throw e;
			return errorResponse(e, event.locals.apiLocale, {
				requestId: event.locals.requestId,
				where: `${event.request?.method ?? ''} ${event.url?.pathname ?? ''}`
			});
		}
	};
}

/** Reads a JSON body; a missing or malformed body is a 400, not a 500. */
export async function readJson(request: Request): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json')) {
		throw new AppError('invalid', 'invalid_input', 'err.json_expected', {
			field: 'body'
		});
	}
	return parseJsonText(await request.text());
}

/** A JSON body's text as a value; malformed JSON is a 400 naming the body. */
export function parseJsonText(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new AppError('invalid', 'invalid_input', 'err.json_invalid', {
			field: 'body'
		});
	}
}

/** The locale of API error messages: the locale cookie, else Accept-Language, else English. */
export function apiLocaleOf(
	cookieLocale: string | undefined,
	acceptLanguage: string | null | undefined
): Locale {
	return isLocale(cookieLocale) ? cookieLocale : (negotiate(acceptLanguage) ?? 'en');
}

/** The caller of a route: a signed-in user or an organisation's API token; 401 without one. */
export { requirePrincipal } from './auth/principal';

/** A signed-in user's principal (not a token's): 401 without a session, 403 for other roles. */
export function requireUserPrincipal(locals: App.Locals, roles?: readonly Role[]): Principal {
	requireUser(locals, roles);
	return locals.principal!;
}

export function requireUser(locals: App.Locals, roles?: readonly Role[]): SessionUser {
	if (!locals.user) throw unauthenticated();
	if (roles && !roles.includes(locals.user.role)) throw forbidden();
	return locals.user;
}

/**
 * The `error` member of a sheet import's 422 (`{ok:false, errors:[…rows]}`): every refusal
 * carries `{error:{code,message,field}}`, the first problem's column as the field.
 */
export function importRefusal(
	errors: { column?: string }[],
	locale: Locale
): { code: string; message: string; field?: string } {
	return {
		code: 'import_invalid',
		message: translate(locale, 'input.err.import_rows', { count: errors.length }),
		...(errors[0]?.column ? { field: errors[0].column } : {})
	};
}
