/**
 * A lot's size breakdown (尺码分布): pieces per size. When a breakdown is given in pieces, it
 * describes the whole stock, so its pieces add up to the lot's stock on hand (a breakdown of
 * 221 pieces for 6,000 in stock describes nothing). Shares (large sizes ≥ 80% → export) are
 * computed from it either way.
 */

/** Pieces in a size breakdown. */
export function sizeBreakdownTotal(sizes: Record<string, number>): number {
	return Object.values(sizes).reduce((t, n) => t + n, 0);
}

/** A breakdown in pieces fits the stock: none given, or its pieces add up to onHand. */
export function sizeBreakdownMatchesStock(sizes: Record<string, number>, onHand: number): boolean {
	return Object.keys(sizes).length === 0 || sizeBreakdownTotal(sizes) === onHand;
}

/**
 * Pieces per size for `total` pieces in the proportions of `weights` (largest remainder: the
 * result adds up to exactly `total`; ties go to the earlier size). All-zero weights share
 * equally.
 */
export function apportionSizes(
	weights: Record<string, number>,
	total: number
): Record<string, number> {
	const keys = Object.keys(weights);
	if (keys.length === 0) return {};
	if (!Number.isInteger(total) || total < 0)
		throw new RangeError(`total must be a whole number ≥ 0`);
	if (keys.some((k) => !(weights[k]! >= 0) || !Number.isFinite(weights[k]!))) {
		throw new RangeError('weights must be finite and ≥ 0');
	}
	const sum = sizeBreakdownTotal(weights);
	const w = (k: string) => (sum === 0 ? 1 : weights[k]!);
	const wsum = sum === 0 ? keys.length : sum;
	const exact = keys.map((k) => (w(k) * total) / wsum);
	const out = keys.map((_, i) => Math.floor(exact[i]!));
	let left = total - out.reduce((t, n) => t + n, 0);
	const order = keys
		.map((_, i) => i)
		.sort((a, b) => exact[b]! - out[b]! - (exact[a]! - out[a]!) || a - b);
	for (const i of order) {
		if (left === 0) break;
		out[i]!++;
		left--;
	}
	return Object.fromEntries(keys.map((k, i) => [k, out[i]!]));
}
