import { z } from 'zod';
import { CONTROL_CHARS_MESSAGE, findControlChar } from './validation/text';
import { installZodMessages, zodIssueParams } from './zod-messages';

// Every zod issue's message is a catalogue key from here on (see zod-messages.ts).
installZodMessages();

export type ErrorCode =
	| 'invalid_input'
	| 'unauthenticated'
	| 'invalid_credentials'
	| 'forbidden'
	| 'not_found'
	| 'conflict'
	| 'email_taken'
	| 'rule_violation'
	| 'rate_limited'
	| 'unavailable'
	| 'internal'
	| (string & {});

const STATUS_BY_KIND = {
	invalid: 400,
	unauthenticated: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	/** A body beyond its limit (uploads): 413, said before the rest is read. */
	too_large: 413,
	rule: 422,
	rate_limited: 429,
	internal: 500,
	unavailable: 503
} as const;

export type ErrorKind = keyof typeof STATUS_BY_KIND;

/**
 * The one error type services throw. Its kind maps to an HTTP status in one place
 * (`status`), and its JSON shape is the API's `{error:{code,message,field}}`.
 */
export class AppError extends Error {
	readonly kind: ErrorKind;
	readonly code: ErrorCode;
	readonly field: string | undefined;
	readonly details: Record<string, unknown> | undefined;
	/** Placeholder values when `message` is a catalogue key. */
	readonly params: Record<string, string | number> | undefined;
	/** Every problem found when validation found several (the first is the main one). */
	readonly issues: ErrorIssue[] | undefined;

	/**
	 * `message` is either a message-catalogue key (translated for the caller at the HTTP edge)
	 * or plain English text.
	 */
	constructor(
		kind: ErrorKind,
		code: ErrorCode,
		message: string,
		opts: {
			field?: string;
			details?: Record<string, unknown>;
			params?: Record<string, string | number>;
			issues?: ErrorIssue[];
		} = {}
	) {
		super(message);
		this.name = 'AppError';
		this.kind = kind;
		this.code = code;
		this.field = opts.field;
		this.details = opts.details;
		this.params = opts.params;
		this.issues = opts.issues;
	}

	get status(): number {
		return STATUS_BY_KIND[this.kind];
	}

	toJSON(
		translate: (message: string, params?: Record<string, string | number>) => string = (m) => m
	): ErrorBody {
		return {
			error: {
				code: this.code,
				message: translate(this.message, this.params),
				...(this.field !== undefined ? { field: this.field } : {}),
				...(this.details ?? {}),
				...(this.issues
					? {
							issues: this.issues.map((i) => ({
								field: i.field,
								message: translate(i.message, i.params ?? this.params)
							}))
						}
					: {})
			}
		};
	}
}

/** One of several problems; `params` fill its own message's placeholders (else the error's). */
export interface ErrorIssue {
	field: string;
	message: string;
	params?: Record<string, string | number>;
}

export interface ErrorBody {
	error: { code: string; message: string; field?: string; [k: string]: unknown };
}

export const forbidden = (message = 'err.forbidden') =>
	new AppError('forbidden', 'forbidden', message);

/** What can be missing; each has its own catalogue text. */
const NOT_FOUND = {
	Board: 'err.not_found.board',
	Fulfilment: 'err.not_found.fulfilment',
	'Host team': 'err.not_found.host_team',
	Line: 'err.not_found.line',
	Lock: 'err.not_found.lock',
	Lot: 'err.not_found.lot',
	Media: 'err.not_found.media',
	Order: 'err.not_found.order',
	Organisation: 'err.not_found.organisation',
	Payout: 'err.not_found.payout',
	'Sale line': 'err.not_found.sale_line',
	Show: 'err.not_found.show',
	Slot: 'err.not_found.slot',
	Supplier: 'err.not_found.supplier',
	Token: 'err.not_found.token',
	Viewer: 'err.not_found.viewer'
} as const;
export const notFound = (what: keyof typeof NOT_FOUND, field?: string) =>
	new AppError('not_found', 'not_found', NOT_FOUND[what], { field });
export const unauthenticated = (message = 'err.sign_in') =>
	new AppError('unauthenticated', 'unauthenticated', message);

/** Seconds a client is told to wait (Retry-After) while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/**
 * Errors that mean "the database cannot be reached right now" rather than "this request is
 * wrong": refused or dropped connections (a Postgres restart, failover, network), the server
 * shutting down (57P01–57P03) and connection-class SQLSTATEs (08xxx). Drizzle wraps driver errors
 * (`cause`), Node's dual-stack connect reports an AggregateError (`errors`): both are searched.
 */
const UNAVAILABLE_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EAI_AGAIN',
	// postgres.js
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	// Postgres: admin_shutdown, crash_shutdown, cannot_connect_now
	'57P01',
	'57P02',
	'57P03'
]);

export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
	if (!e || typeof e !== 'object' || depth > 5) return false;
	const err = e as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown };
	if (typeof err.code === 'string' && (UNAVAILABLE_CODES.has(err.code) || /^08/.test(err.code)))
		return true;
	// pg (socket.io adapter) and postgres.js both say so in words when the socket just closed
	if (
		typeof err.message === 'string' &&
		/Connection terminated|terminating connection due to administrator command/.test(err.message)
	)
		return true;
	if (Array.isArray(err.errors) && err.errors.some((x) => isDatabaseUnavailable(x, depth + 1)))
		return true;
	return isDatabaseUnavailable(err.cause, depth + 1);
}

/** The AppError for an unreachable database: 503 `unavailable`, to be retried (Retry-After). */
export function unavailable(): AppError {
	return new AppError('unavailable', 'unavailable', 'error.503', {
		details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S }
	});
}

/**
 * Turns zod issues into one AppError naming the first field (dot path) and listing all.
 * `params` fills placeholders in catalogue-key messages ({min} and the like).
 */
export function fromZod(error: z.ZodError, params?: Record<string, string | number>): AppError {
	const issues = error.issues.map(issueOf);
	const issue = issues[0];
	return new AppError('invalid', 'invalid_input', issue?.message ?? 'v.invalid', {
		field: issue?.field || undefined,
		params: { ...issue?.params, ...params },
		issues:
			issues.length > 1
				? issues.map((i) => ({
						field: i.field,
						message: i.message,
						params: { ...i.params, ...params }
					}))
				: undefined
	});
}

/**
 * One zod issue as field + message. An unknown key in a strict object names that key as the
 * field (zod reports it on the object itself), and a custom issue's `params` fill its
 * message's placeholders.
 */
function issueOf(i: z.core.$ZodIssue): {
	field: string;
	message: string;
	params?: Record<string, string | number>;
} {
	const path = i.path.map(String);
	if (i.code === 'unrecognized_keys') {
		const key = i.keys[0] ?? '';
		// An empty key at the top level still names a field: the body.
		const field = [...path, key].join('.') || 'body';
		return { field, message: 'input.err.unknown_key', params: { key } };
	}
	const p = (i as { params?: unknown }).params;
	const params = {
		...zodIssueParams(i),
		...(p && typeof p === 'object' ? (p as Record<string, string | number>) : {})
	};
	// An issue with the input as a whole (a string where an object belongs) names the body.
	return { field: path.length > 0 ? path.join('.') : 'body', message: i.message, params };
}

/** Parses input with a schema; throws an AppError (400, field named) on failure. */
export function parse<S extends z.ZodType>(
	schema: S,
	input: unknown,
	params?: Record<string, string | number>
): z.output<S> {
	// Backstop for every schema: no control character (U+0000 above all) reaches a service.
	const bad = findControlChar(input);
	if (bad) {
		throw new AppError('invalid', 'invalid_input', CONTROL_CHARS_MESSAGE, {
			// A control character in the input as a whole (a bare string) names the body, as zod does.
			field: bad.map(String).join('.') || 'body'
		});
	}
	const r = schema.safeParse(input);
	if (!r.success) throw fromZod(r.error, params);
	return r.data;
}
