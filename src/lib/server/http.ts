import { isHttpError, isRedirect, json, type RequestEvent } from '@sveltejs/kit';
import { isLocale, isMessageKey, negotiate, translate, type Locale } from '$lib/i18n';
import type { SessionUser } from './auth/session';
import type { Actor } from './auth/service';
import {
	AppError,
	UNAVAILABLE_RETRY_AFTER_S,
	forbidden,
	isDatabaseUnavailable,
	unauthenticated,
	unavailable
} from './errors';
import { logger } from './log';
import type { Role } from '$lib/domain/roles';

/** Translates an AppError message for the caller when it is a catalogue key. */
export function translator(locale: Locale) {
	return (message: string, params?: Record<string, string | number>) =>
		isMessageKey(message) ? translate(locale, message, params) : message;
}

/**
 * The error body and status for anything a handler threw. Unknown errors are logged, not shown.
 * An unreachable database (Postgres restarting) is a 503 with Retry-After, not a 500: the
 * request was fine and a retry will succeed once the pool has reconnected.
 */
export function errorPayload(
	e: unknown,
	locale: Locale
): { status: number; body: unknown; headers?: Record<string, string> } {
	if (!(e instanceof AppError) && isDatabaseUnavailable(e)) {
		logger().warn({ reason: (e as Error).message }, 'database unavailable: answering 503');
		e = unavailable();
	}
	if (e instanceof AppError) {
		const retryAfter = e.details?.retryAfter;
		return {
			status: e.status,
			body: e.toJSON(translator(locale)),
			...(e.kind === 'unavailable'
				? { headers: retryAfterHeaders() }
				: typeof retryAfter === 'number'
					? // 429s say when to come back
						{ headers: { 'retry-after': String(retryAfter) } }
					: {})
		};
	}
	logger().error({ err: e }, 'unhandled error in API handler');
	return { status: 500, body: { error: { code: 'internal', message: 'Internal error.' } } };
}

/** Retry-After for 503 answers while the database is unreachable. */
export function retryAfterHeaders(): Record<string, string> {
	return { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) };
}

export function errorResponse(e: unknown, locale: Locale): Response {
	const { status, body, headers } = errorPayload(e, locale);
	return json(body, { status, headers });
}

/** Wraps an API handler so AppErrors become `{error:{code,message,field}}` with their status. */
export function api<E extends RequestEvent>(fn: (event: E) => Promise<Response> | Response) {
	return async (event: E): Promise<Response> => {
		try {
			return await fn(event);
		} catch (e) {
			if (isRedirect(e) || isHttpError(e)) throw e;
			return errorResponse(e, event.locals.apiLocale);
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

/** The caller of an API route: a signed-in user or an organisation's API token. */
export function requireActor(locals: App.Locals): Actor {
	if (!locals.actor) throw unauthenticated();
	return locals.actor;
}

export function requireUser(locals: App.Locals, roles?: readonly Role[]): SessionUser {
	if (!locals.user) throw unauthenticated();
	if (roles && !roles.includes(locals.user.role)) throw forbidden();
	return locals.user;
}

/** Form values as a plain object (last value wins; checkboxes become 'on'). */
export function formObject(data: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
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
