import * as zod from 'zod';
import { controlCharIndex } from '$lib/domain/input';

// The one text schema. Every string any input schema accepts is one of these two: single-line
// text refuses every C0/C1 control character (U+0000 included, which Postgres cannot store and
// answered with a 500); multi-line text (descriptions, notes, scripts) keeps \t, \n and \r.

const SINGLE = /^[^\u0000-\u001F\u007F-\u009F]*$/u; // eslint-disable-line no-control-regex
const MULTI = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/u; // eslint-disable-line no-control-regex

export const CONTROL_CHARS_MESSAGE = 'input.err.control_chars';

type StringParams = string | zod.core.$ZodStringParams;

/** Single-line text: `z.string()` that refuses control characters (the schemas' `z.string`). */
export function text(params?: StringParams): zod.ZodString {
	return zod.string(params).regex(SINGLE, { error: CONTROL_CHARS_MESSAGE });
}

/** Multi-line text: tab, line feed and carriage return allowed, every other control refused. */
export function multilineText(params?: StringParams): zod.ZodString {
	return zod.string(params).regex(MULTI, { error: CONTROL_CHARS_MESSAGE });
}

/**
 * The path (dot-joined keys) of the first string or object key anywhere in `input` that holds a
 * control character multi-line text may not hold, or null. `parse()` runs this before any
 * schema as a backstop, so even a schema written with plain zod never lets U+0000 reach the
 * database.
 */
export function findControlChar(input: unknown, depth = 0): (string | number)[] | null {
	if (typeof input === 'string') return controlCharIndex(input, true) >= 0 ? [] : null;
	if (input === null || typeof input !== 'object' || depth > 32) return null;
	if (Array.isArray(input)) {
		for (let i = 0; i < input.length; i++) {
			const p = findControlChar(input[i], depth + 1);
			if (p) return [i, ...p];
		}
		return null;
	}
	if (input instanceof Date || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) {
		return null;
	}
	for (const [k, v] of Object.entries(input)) {
		if (controlCharIndex(k, true) >= 0) return [k];
		const p = findControlChar(v, depth + 1);
		if (p) return [k, ...p];
	}
	return null;
}
