import type zh from '../zh-CN/input';

export default {
	'input.err.control_chars': 'Must not contain control characters (such as U+0000).',
	'input.err.datetime':
		'Enter an ISO 8601 date and time with an offset (e.g. 2026-11-26T12:00:00+08:00) between 2000-01-01 and 2100-12-31.',
	'input.err.date': 'Enter a date as YYYY-MM-DD between 2000-01-01 and 2100-12-31.',
	'input.err.month': 'Enter a month as YYYY-MM between 2000-01-01 and 2100-12-31.',
	'input.err.id': 'Not a valid id.',
	'input.err.unknown_key': 'Unknown field: {key}.',
	'input.err.import_rows': 'The sheet has {count} problems; nothing was imported.',
	'input.err.rate_limited': 'Too many attempts. Try again in {seconds} seconds.',
	'input.err.sign_in_locked': 'Too many failed sign-ins. Try again in {minutes} minutes.',
	'input.err.idempotency_key': 'Idempotency-Key must be 1–255 visible ASCII characters.',
	'input.err.idempotency_mismatch':
		'This Idempotency-Key was already used for a different lock request (another lot or quantity).',
	'input.err.after': 'after must be a lock event id.'
} as const satisfies Record<keyof typeof zh, string>;
