/**
 * The request layer: how every door into the server (JSON API, page load, form action, socket.io
 * ack) turns what a handler threw into an answer, in one place. Beside `api()` (http.ts) stand
 * `pageLoad`, `formAction` and `socketAck`; all four call `failureOf`, so an AppError, a zod
 * error, an unreachable database and an unknown failure get the same code, status and message
 * (translated into the caller's language from the catalogue) through every door.
 */
import { randomUUID } from 'node:crypto';
import {
	error as kitError,
	fail,
	isHttpError,
	isRedirect,
	type ActionFailure,
	type RequestEvent
} from '@sveltejs/kit';
import { z } from 'zod';
import { isMessageKey, translate, type Locale } from '$lib/i18n';
import type { AckResult } from '$lib/realtime/events';
import type { Principal } from './auth/principal';
import {
	AppError,
	UNAVAILABLE_RETRY_AFTER_S,
	fromZod,
	isDatabaseUnavailable,
	parse,
	unauthenticated,
	unavailable,
	type ErrorBody
} from './errors';
import { logger } from './log';

/** The body every door sends for a failure: `{code, message, field?}` plus details. */
export type ErrorInfo = ErrorBody['error'];

export interface Failure {
	status: number;
	error: ErrorInfo;
	headers?: Record<string, string>;
}

/** Translates a message for the caller when it is a catalogue key (else it is shown as it is). */
export function translator(locale: Locale) {
	return (message: string, params?: Record<string, string | number>) =>
		isMessageKey(message) ? translate(locale, message, params) : message;
}

/** Retry-After for 503 answers while the database is unreachable. */
export function retryAfterHeaders(): Record<string, string> {
	return { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) };
}

/** Where a failure happened, for the log line of an unexpected one. */
export interface FailureContext {
	requestId?: string;
	/** 'GET /supplier', 'form ?/save', 'socket LockAcquireV1' … */
	where?: string;
}

/**
 * What any handler's failure becomes, for every door alike:
 * - AppError → its status, `{code, message, field}` with the message translated;
 * - a zod error that escaped `parse()` → 400 `invalid_input` naming the field;
 * - an unreachable database (Postgres restarting) → 503 `unavailable` with Retry-After;
 * - anything else → 500 `internal`, logged with a request id that the answer carries too, so a
 *   user's report can be found in the log; its own message is never shown.
 */
export function failureOf(e: unknown, locale: Locale, ctx: FailureContext = {}): Failure {
	if (e instanceof z.ZodError) e = fromZod(e);
	if (!(e instanceof AppError) && isDatabaseUnavailable(e)) {
		logger().warn(
			{ reason: (e as Error).message, where: ctx.where },
			'database unavailable: answering 503'
		);
		e = unavailable();
	}
	if (e instanceof AppError) {
		const retryAfter = e.details?.retryAfter;
		return {
			status: e.status,
			error: e.toJSON(translator(locale)).error,
			...(e.kind === 'unavailable'
				? { headers: retryAfterHeaders() }
				: typeof retryAfter === 'number'
					? // 429s say when to come back
						{ headers: { 'retry-after': String(retryAfter) } }
					: {})
		};
	}
	const requestId = ctx.requestId ?? randomUUID();
	logger().error({ err: e, requestId, where: ctx.where }, 'unhandled error');
	return {
		status: 500,
		error: { code: 'internal', message: translate(locale, 'error.500'), requestId }
	};
}

/** Redirects and Kit's own errors pass through every wrapper untouched. */
const isKitControl = (e: unknown) => isRedirect(e) || isHttpError(e);

// ------------------------------------------------------------------ page loads

/**
 * Wraps a page's (or layout's) server load: a failure becomes the app's error page
 * (+error.svelte) with the status and `{code, message}` translated into the page's language.
 * An unreachable database or an unknown error is left to handleError (hooks.server.ts), which
 * maps it with the same `failureOf` and turns the page into a 503 with Retry-After or a logged
 * 500.
 */
export function pageLoad<E extends RequestEvent, R>(fn: (event: E) => Promise<R> | R) {
	return async (event: E): Promise<R> => {
		try {
			return await fn(event);
		} catch (e) {
			throw pageError(e, event);
		}
	};
}

/** Kit's error for a page load's failure (rethrows what handleError must see). */
export function pageError(e: unknown, event: Pick<RequestEvent, 'locals'>): unknown {
	if (isKitControl(e)) return e;
	if (!(e instanceof AppError) && !(e instanceof z.ZodError)) return e;
	const f = failureOf(e, event.locals.locale);
	try {
		kitError(f.status, pageErrorBody(f.error));
	} catch (thrown) {
		return thrown;
	}
}

/** The error page's data (App.Error) for a failure's body. */
export function pageErrorBody(e: ErrorInfo): App.Error {
	return {
		code: e.code,
		message: e.message,
		...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {})
	};
}

// ------------------------------------------------------------------ form actions

/** What a form action's handler gets: the event, the form as text values, its input. */
export interface FormContext<E extends RequestEvent, I> {
	event: E;
	/** The submitted fields as strings (last value wins; files are left out). */
	values: Record<string, string>;
	/** The raw form data, for files and repeated fields. */
	data: FormData;
	/** The values parsed by the action's schema (the values themselves without one). */
	input: I;
	/** The caller; 401 (as a form failure) when nobody is signed in. */
	principal: () => Principal;
}

export interface FormOptions<X extends object = object> {
	/**
	 * Which form on the page failed (`action` in the failure), for pages with several; a
	 * function of the values when one form is repeated per row.
	 */
	action?: string | ((values: Record<string, string>) => string);
	/** More of the submitted values to send back beside the error (row ids). */
	extra?: (values: Record<string, string>) => X;
	/** The form field a service's field name belongs to (e.g. `priceFen` → `price`). */
	field?: (field: string | undefined) => string | undefined;
	/** Fields never sent back (passwords); `password` always is left out. */
	secret?: readonly string[];
	/** Send the values back to refill the form (default); false sends `values: {}`. */
	keepValues?: boolean;
}

/** A form action's failure data: `{action?, error:{code,message,field}, values, …extra}`. */
export type FormFailure<X extends object = object> = {
	action?: string;
	error: ErrorInfo;
	values: Record<string, string>;
} & X;

/**
 * The one way a form action fails: `fail(status, {action, error:{code,message,field}, values})`
 * with the message translated, so the page shows it beside the field with the form refilled.
 */
export function formFailure<X extends object = object>(
	event: Pick<RequestEvent, 'locals' | 'setHeaders'>,
	e: unknown,
	values: Record<string, string> = {},
	opts: FormOptions<X> = {}
): ActionFailure<FormFailure<X>> {
	if (isKitControl(e)) throw e;
	const f = failureOf(e, event.locals.locale, {
		requestId: event.locals.requestId,
		where: 'form action'
	});
	if (f.headers) {
		try {
			event.setHeaders(f.headers);
		} catch {
			/* already set */
		}
	}
	const secret = new Set(['password', ...(opts.secret ?? [])]);
	const safe =
		opts.keepValues === false
			? {}
			: Object.fromEntries(Object.entries(values).filter(([k]) => !secret.has(k)));
	const action = typeof opts.action === 'function' ? opts.action(values) : opts.action;
	const field = opts.field ? opts.field(f.error.field) : f.error.field;
	return fail(f.status, {
		...(action !== undefined ? { action } : {}),
		...((opts.extra?.(values) ?? {}) as X),
		error: { ...f.error, ...(field !== undefined ? { field } : {}) },
		values: safe
	});
}

/**
 * Wraps a form action: reads the form once, parses it with `schema` when given, runs `fn`; any
 * failure becomes `formFailure(…)`. Redirects pass through.
 */
export function formAction<
	E extends RequestEvent,
	R,
	S extends z.ZodType | undefined = undefined,
	X extends object = object
>(
	schema: S,
	fn: (
		ctx: FormContext<E, S extends z.ZodType ? z.output<S> : Record<string, string>>
	) => Promise<R> | R,
	opts: FormOptions<X> = {}
) {
	return async (event: E): Promise<R | ActionFailure<FormFailure<X>>> => {
		let values: Record<string, string> = {};
		try {
			const data = await event.request.formData();
			values = formObject(data);
			const input = (schema ? parse(schema, values) : values) as S extends z.ZodType
				? z.output<S>
				: Record<string, string>;
			return await fn({
				event,
				values,
				data,
				input,
				principal: () => {
					if (!event.locals.principal) throw unauthenticated();
					return event.locals.principal;
				}
			});
		} catch (e) {
			return formFailure(event, e, values, opts);
		}
	};
}

/** Form values as a plain object (last value wins; checkboxes become 'on'). */
export function formObject(data: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
}

// ------------------------------------------------------------------ socket.io acks

/** The socket a handler answers: who it is and the language of its messages. */
export interface AckSocket {
	id: string;
	data: { principal: Principal };
}

/**
 * Wraps a socket.io event handler that answers with an ack: the payload is parsed with `schema`
 * (400 naming the field), `fn`'s result is sent as `{ok:true, data}`, and any failure as
 * `{ok:false, error:{code,message,field}}` translated into the socket's language. A call
 * without an ack callback is ignored (nobody could hear the answer).
 */
export function socketAck<S extends z.ZodType, T>(
	socket: AckSocket,
	event: string,
	schema: S,
	fn: (input: z.output<S>) => Promise<T> | T
) {
	return async (raw: unknown, ack: unknown): Promise<void> => {
		if (typeof ack !== 'function') return;
		const answer = ack as (r: AckResult<T>) => void;
		let result: AckResult<T>;
		try {
			result = { ok: true, data: await fn(parse(schema, raw)) };
		} catch (e) {
			result = socketFailure(e, socket, event);
		}
		answer(result);
	};
}

/** An ack's failure for what a socket handler threw. */
export function socketFailure(e: unknown, socket: AckSocket, event: string): AckResult<never> {
	const f = failureOf(e, socket.data.principal.locale, { where: `socket ${event}` });
	return { ok: false, error: f.error };
}
