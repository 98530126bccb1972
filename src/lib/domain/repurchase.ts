/**
 * Ranking by a rate that is only as trustworthy as the number of people behind it: the Wilson
 * score interval's lower bound. 3 of 3 buyers coming back (100%) is weak evidence; 222 of 312
 * (71%) is strong, and ranks higher. The catalog's stats job computes the same expression in
 * SQL (`wilsonLowerBoundSql` in server/catalog/sales.ts), in the same order of operations, so
 * the stored rank equals this function's result.
 */

/**
 * Lower bound of the Wilson score interval of `successes` out of `n` at confidence `z`, in
 * integer basis points, rounded down (0 when n is 0). Always ≤ the rate itself.
 */
export function wilsonLowerBoundBp(successes: number, n: number, z: number): number {
	if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n) {
		throw new RangeError(`wilson: need 0 ≤ successes ≤ n, whole numbers (got ${successes}/${n})`);
	}
	if (!(z >= 0) || !Number.isFinite(z)) throw new RangeError(`wilson: z must be ≥ 0 (got ${z})`);
	if (n === 0) return 0;
	const p = successes / n;
	const z2 = z * z;
	const lower = (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
	return Math.min(10_000, Math.max(0, Math.floor(lower * 10_000)));
}
