import { isHttpError, isRedirect, json, type RequestEvent } from '@sveltejs/kit';
import { isLocale, isMessageKey, negotiate, translate, type Locale } from '$lib/i18n';
import type { SessionUser } from './auth/session';
import type { Actor } from './auth/service';
import { AppError, unauthenticated, forbidden } from './errors';
import { logger } from './log';
import type { Role } from '$lib/domain/roles';

/** Translates an AppError message for the caller when it is a catalogue key. */
export function translator(locale: Locale) {
	return (message: string, params?: Record<string, string | number>) =>
		isMessageKey(message) ? translate(locale, message, params) : message;
}

/** The error body and status for anything a handler threw. Unknown errors are logged, not shown. */
export function errorPayload(e: unknown, locale: Locale): { status: number; body: unknown } {
	if (e instanceof AppError) return { status: e.status, body: e.toJSON(translator(locale)) };
	logger().error({ err: e }, 'unhandled error in API handler');
	return { status: 500, body: { error: { code: 'internal', message: 'Internal error.' } } };
}

export function errorResponse(e: unknown, locale: Locale): Response {
	const { status, body } = errorPayload(e, locale);
	return json(body, { status });
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
