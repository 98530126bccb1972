/**
 * Money as people type it (元, "¥35", "35.5", 35.5 from a spreadsheet cell) to integer fen,
 * exactly: strings are parsed digit by digit, never through a float multiplication. More than
 * two decimals is refused rather than rounded, so nobody's price silently changes.
 */
export function parseYuan(input: unknown): number | null {
	if (typeof input === 'number') {
		if (!Number.isFinite(input) || input < 0) return null;
		const fen = Math.round(input * 100);
		// A float that is not a whole number of fen (e.g. 35.555) is refused.
		if (Math.abs(fen - input * 100) > 1e-6) return null;
		return fen;
	}
	if (typeof input !== 'string') return null;
	const s = input
		.trim()
		.replace(/^(¥|￥|CNY|RMB)\s*/i, '')
		.replace(/(元|块)$/, '')
		.replace(/,/g, '');
	const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
	if (!m) return null;
	return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * A percentage as people type it ("11.7", "11.7%", 0.117 is NOT accepted: spreadsheets that
 * store percentages as fractions must be formatted as text or multiplied first) to basis points.
 * Up to two decimals.
 */
export function parsePercentBp(input: unknown): number | null {
	if (typeof input === 'number') {
		if (!Number.isFinite(input) || input < 0) return null;
		const bp = Math.round(input * 100);
		if (Math.abs(bp - input * 100) > 1e-6) return null;
		return bp;
	}
	if (typeof input !== 'string') return null;
	const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(input.trim());
	if (!m) return null;
	return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Fen as a plain yuan string with two decimals ("35.00"), for forms and spreadsheets. */
export function fenToYuanString(fen: number): string {
	const sign = fen < 0 ? '-' : '';
	const a = Math.abs(fen);
	return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** The same, or '' for no amount (an empty price field, a blank spreadsheet cell). */
export function yuanOrBlank(fen: number | null): string {
	return fen === null ? '' : fenToYuanString(fen);
}

/** Basis points as a percentage string with up to two decimals ("11.7", "15"). */
export function bpToPercentString(bp: number): string {
	const whole = Math.floor(bp / 100);
	const frac = bp % 100;
	if (frac === 0) return String(whole);
	return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}
