import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apportionSizes, sizeBreakdownMatchesStock, sizeBreakdownTotal } from './sizes';

describe('size breakdown and stock', () => {
	it('a breakdown in pieces must add up to the stock on hand', () => {
		expect(sizeBreakdownMatchesStock({ S: 50, M: 100, L: 71 }, 6000)).toBe(false);
		expect(sizeBreakdownMatchesStock({ S: 1500, M: 3000, L: 1500 }, 6000)).toBe(true);
		expect(sizeBreakdownMatchesStock({}, 6000)).toBe(true);
		expect(sizeBreakdownTotal({ S: 50, M: 100, L: 71 })).toBe(221);
	});

	it('apportions stock in the proportions of the weights, exactly', () => {
		expect(apportionSizes({ S: 1, M: 2, L: 1 }, 6000)).toEqual({ S: 1500, M: 3000, L: 1500 });
		expect(apportionSizes({ S: 1, M: 1, L: 1 }, 100)).toEqual({ S: 34, M: 33, L: 33 });
		expect(apportionSizes({ XL: 0, M: 0 }, 5)).toEqual({ XL: 3, M: 2 });
		expect(apportionSizes({}, 5)).toEqual({});
		expect(() => apportionSizes({ M: -1 }, 5)).toThrow(RangeError);
		expect(() => apportionSizes({ M: 1 }, 2.5)).toThrow(RangeError);
	});

	it('always adds up to the total, keeps zero sizes at zero, and stays within one piece of the share', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 9 }),
				fc.integer({ min: 0, max: 30_000 }),
				(ws, total) => {
					const weights = Object.fromEntries(ws.map((w, i) => [`s${i}`, w]));
					const out = apportionSizes(weights, total);
					expect(sizeBreakdownTotal(out)).toBe(total);
					expect(sizeBreakdownMatchesStock(out, total)).toBe(true);
					const sum = ws.reduce((a, b) => a + b, 0);
					ws.forEach((w, i) => {
						const share = sum === 0 ? total / ws.length : (w * total) / sum;
						expect(Math.abs(out[`s${i}`]! - share)).toBeLessThan(1);
						if (sum > 0 && w === 0) expect(out[`s${i}`]).toBe(0);
					});
				}
			)
		);
	});
});
