import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLimited, retryAfterMs, slidingCount } from './rate-limit';

const W = 60_000;

describe('sliding window estimate', () => {
	it('weights the previous window by the part still inside the sliding window', () => {
		expect(slidingCount({ prev: 10, cur: 2 }, 0, W)).toBe(12);
		expect(slidingCount({ prev: 10, cur: 2 }, W / 2, W)).toBe(7);
		expect(slidingCount({ prev: 10, cur: 2 }, W, W)).toBe(2);
	});

	it('allows exactly `limit` attempts in a fresh window', () => {
		expect(isLimited({ prev: 0, cur: 9 }, 1000, W, 10)).toBe(false);
		expect(isLimited({ prev: 0, cur: 10 }, 1000, W, 10)).toBe(true);
		expect(retryAfterMs({ prev: 0, cur: 9 }, 1000, W, 10)).toBe(0);
	});

	it('retry-after points at the first moment an attempt is allowed again', () => {
		fc.assert(
			fc.property(
				fc.nat(40),
				fc.nat(40),
				fc.integer({ min: 0, max: W - 1 }),
				fc.integer({ min: 1, max: 30 }),
				(prev, cur, elapsed, limit) => {
					const c = { prev, cur };
					const wait = retryAfterMs(c, elapsed, W, limit);
					if (!isLimited(c, elapsed, W, limit)) return wait === 0;
					const at = (t: number) =>
						t < W ? isLimited(c, t, W, limit) : isLimited({ prev: cur, cur: 0 }, t - W, W, limit);
					// allowed once the wait is over, and still limited a little before it
					return wait > 0 && !at(elapsed + wait) && (wait <= 2 || at(elapsed + wait - 2));
				}
			),
			{ seed: 1701, numRuns: 2000 }
		);
	});
});
