import { z } from 'zod';

// Every message a zod schema can produce is a message-catalogue key, so the HTTP edge can show it
// in the caller's language. Schemas name their own keys for field-specific wording
// (`{ error: 'lot.err.source' }`); everything else falls back to zod's issue code through this one
// error map, installed for the whole process below. Placeholders ({minimum}, {maximum}, …) are
// filled from the issue itself by `zodIssueParams`.

type RawIssue = z.core.$ZodRawIssue;

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The catalogue key for a zod issue that its schema gave no message for. */
export function zodIssueKey(issue: RawIssue): string {
	switch (issue.code) {
		case 'invalid_type':
			return isEmpty(issue.input) ? 'v.required' : 'v.invalid_type';
		case 'too_small': {
			const min = Number(issue.minimum);
			if (issue.origin === 'string') return min <= 1 ? 'v.required' : 'v.too_short';
			if (issue.origin === 'array' || issue.origin === 'set')
				return min <= 1 ? 'v.list_empty' : 'v.too_few';
			if (issue.origin === 'date') return 'v.date_too_early';
			return issue.inclusive === false ? 'v.above' : 'v.too_small';
		}
		case 'too_big':
			if (issue.origin === 'string') return 'v.too_long';
			if (issue.origin === 'array' || issue.origin === 'set') return 'v.too_many';
			if (issue.origin === 'date') return 'v.date_too_late';
			return issue.inclusive === false ? 'v.below' : 'v.too_big';
		case 'invalid_format':
			switch (issue.format) {
				case 'uuid':
				case 'guid':
					return 'v.id';
				case 'email':
					return 'v.email';
				case 'url':
					return 'v.url';
				case 'datetime':
				case 'date':
				case 'time':
					return 'v.datetime';
				default:
					return 'v.format';
			}
		case 'not_multiple_of':
			return 'v.multiple_of';
		case 'unrecognized_keys':
			return 'v.unknown_keys';
		case 'invalid_value':
			return 'v.choice';
		case 'invalid_key':
		case 'invalid_element':
		case 'invalid_union':
		case 'custom':
		default:
			return 'v.invalid';
	}
}

/** Placeholder values of a zod issue, for the catalogue text of its key. */
export function zodIssueParams(issue: z.core.$ZodIssue): Record<string, string | number> {
	const out: Record<string, string | number> = {};
	if ('minimum' in issue && issue.minimum !== undefined) {
		const v = issue.minimum;
		out.minimum = Number(v);
	}
	if ('maximum' in issue && issue.maximum !== undefined) {
		const v = issue.maximum;
		out.maximum = Number(v);
	}
	// Older keys name them {min} and {max}.
	if (out.minimum !== undefined) out.min = out.minimum;
	if (out.maximum !== undefined) out.max = out.maximum;
	if ('divisor' in issue && issue.divisor !== undefined) out.divisor = Number(issue.divisor);
	if ('keys' in issue && Array.isArray(issue.keys)) out.keys = issue.keys.join(', ');
	if ('values' in issue && Array.isArray(issue.values))
		out.values = issue.values.map((x) => String(x)).join(' / ');
	return out;
}

let installed = false;
/** Makes `zodIssueKey` the process's zod error map (idempotent; errors.ts calls it on import). */
export function installZodMessages(): void {
	if (installed) return;
	installed = true;
	z.config({ customError: (issue) => zodIssueKey(issue) });
}
