// Limits on raw input that hold for every field, whatever its meaning: which characters text may
// contain and which calendar dates are accepted. Pure; the server's zod helpers
// (src/lib/server/validation.ts) apply them to every schema.

/**
 * C0 and C1 control characters (and DEL). U+0000 in particular cannot be stored in a Postgres
 * text or jsonb value at all; the others are invisible and only ever arrive by accident or
 * attack. Multi-line text keeps tab, line feed and carriage return.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The index of the first forbidden control character, or -1 when there is none. */
export function controlCharIndex(text: string, multiline: boolean): number {
	const m = (multiline ? CONTROL_MULTILINE : CONTROL_ANY).exec(text);
	return m ? m.index : -1;
}

/**
 * The calendar dates any input may name (payment times, statement periods, …): wide enough for
 * every real business record, narrow enough that every value is a valid Postgres timestamptz and
 * a four-digit year (`0001-01-01` or `month=0000-01` must not silently mean 1900).
 */
export const INPUT_DATE_MIN = '2000-01-01';
export const INPUT_DATE_MAX = '2100-12-31';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `YYYY-MM-DD` is a real calendar day (no 02-30, no month 13). */
export function isCalendarDate(s: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	if (!m) return false;
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const d = Number(m[3]);
	if (mo < 1 || mo > 12 || d < 1) return false;
	const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
	const max = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!;
	return d <= max;
}

/** Whether a calendar day (`YYYY-MM-DD`) lies within the accepted range. */
export function isDateInRange(day: string): boolean {
	return isCalendarDate(day) && day >= INPUT_DATE_MIN && day <= INPUT_DATE_MAX;
}

/** Whether `YYYY-MM` names a month within the accepted range. */
export function isMonthInRange(month: string): boolean {
	return /^\d{4}-\d{2}$/.test(month) && isDateInRange(`${month}-01`);
}

/**
 * An ISO 8601 date-time with an explicit offset (`2026-11-26T12:00:00+08:00`, `…Z`), strictly:
 * real calendar day and clock time, and an instant within the accepted range. Returns the Date,
 * or null. Numbers, booleans and anything `new Date()` would guess at are not date-times here.
 */
export function parseIsoDateTime(s: string): Date | null {
	const m =
		/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(s);
	if (!m) return null;
	const [, day, hh, mm, ss, , zone, oh, om] = m;
	if (!isCalendarDate(day!)) return null;
	if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return null;
	if (zone !== 'Z' && (Number(oh) > 23 || Number(om) > 59)) return null;
	const d = new Date(s);
	if (Number.isNaN(d.getTime())) return null;
	const utcDay = d.toISOString().slice(0, 10);
	return utcDay >= INPUT_DATE_MIN && utcDay <= INPUT_DATE_MAX ? d : null;
}

/**
 * A date-time as people type it in a spreadsheet (`2026-11-26 12:00`, `2026/11/26 12:00:00`,
 * `2026-11-26`), read as China time (UTC+8) when it names no offset, written as ISO 8601 with an
 * offset. Anything else is returned as it is (and refused by the strict parser later).
 */
export function sheetDateTime(s: string): string {
	const v = s.trim();
	const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
	if (!m) return v;
	const [, y, mo, d, h, mi, sec] = m;
	const p2 = (x: string | undefined) => (x ?? '0').padStart(2, '0');
	return `${y}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(sec)}+08:00`;
}
