import * as z from './z';
import {
	INPUT_DATE_MAX,
	INPUT_DATE_MIN,
	isDateInRange,
	isMonthInRange,
	parseIsoDateTime
} from '$lib/domain/input';
import { AppError } from '../errors';

/**
 * Input validation shared by every schema: `z` (zod whose `z.string()` refuses control
 * characters), multi-line text, strict dates within range, and ids in paths.
 */
export { z };
export { text, multilineText, findControlChar, CONTROL_CHARS_MESSAGE } from './text';

/** The accepted range (the catalogue's date messages spell it out, since a type error carries no params). */
const RANGE = { min: INPUT_DATE_MIN, max: INPUT_DATE_MAX };

/**
 * An instant given as an ISO 8601 date-time with offset, within INPUT_DATE_MIN…MAX. Strings only:
 * `true`, `0` or `1e15` are refused, never coerced (z.coerce.date read `true` as 1970).
 */
export function isoDateTime(message = 'input.err.datetime') {
	return z
		.string({ error: message })
		.max(40, { error: message })
		.transform((s, ctx) => {
			const d = parseIsoDateTime(s);
			if (!d) {
				ctx.addIssue({ code: 'custom', message, params: RANGE });
				return z.NEVER;
			}
			return d;
		})
		.meta({
			description: `ISO 8601 date-time with offset, between ${INPUT_DATE_MIN} and ${INPUT_DATE_MAX}`,
			format: 'date-time'
		});
}

/** A calendar day `YYYY-MM-DD` within INPUT_DATE_MIN…MAX (the string itself is kept). */
export function isoDay(message = 'input.err.date') {
	return z
		.string({ error: message })
		.refine((s) => isDateInRange(s), { error: message, params: RANGE })
		.meta({ description: `YYYY-MM-DD, ${INPUT_DATE_MIN} … ${INPUT_DATE_MAX}`, format: 'date' });
}

/** A month `YYYY-MM` within the same range. */
export function isoMonth(message = 'input.err.month') {
	return z
		.string({ error: message })
		.refine((s) => isMonthInRange(s), { error: message, params: RANGE })
		.meta({ description: 'YYYY-MM' });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
	return typeof v === 'string' && UUID.test(v);
}

/** Route parameters that are not ids (checked by their own handlers; `kind`: a trade conversation's). */
const NOT_IDS = new Set(['key', 'token', 'kind']);

/**
 * Every id in a route's path, checked in one place (hooks.server.ts runs this for each request):
 * a parameter that is not a uuid is a 400 naming it, before any query could send it to Postgres
 * (where it was a 500). Parameters listed in NOT_IDS are left to their handlers.
 */
export function checkPathParams(params: Partial<Record<string, string>>): AppError | null {
	for (const [name, value] of Object.entries(params)) {
		if (NOT_IDS.has(name) || value === undefined) continue;
		if (!isUuid(value)) {
			return new AppError('invalid', 'invalid_input', 'input.err.id', { field: name });
		}
	}
	return null;
}

/** One path parameter as an id, for code that takes ids from elsewhere (sockets, forms). */
export function idParam(value: unknown, field: string): string {
	if (!isUuid(value)) throw new AppError('invalid', 'invalid_input', 'input.err.id', { field });
	return value.toLowerCase();
}
