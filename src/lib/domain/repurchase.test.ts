import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wilsonLowerBoundBp } from './repurchase';
import { DEFAULT_POLICY } from './policy';

const Z = DEFAULT_POLICY.catalog.repurchaseConfidenceZ;

describe('wilsonLowerBoundBp', () => {
	it('ranks 71% of 312 buyers above 100% of a handful', () => {
		const many = wilsonLowerBoundBp(222, 312, Z);
		for (const n of [1, 2, 3, 5]) expect(wilsonLowerBoundBp(n, n, Z)).toBeLessThan(many);
		expect(many).toBeGreaterThan(6500);
		expect(many).toBeLessThan(7115);
	});

	it('matches known values (z = 1.96)', () => {
		// 3/3 → 0.43849; 1/2 → 0.09453; 50/100 → 0.40383; 222/312 → 0.65893
		expect(wilsonLowerBoundBp(3, 3, 1.96)).toBe(4384);
		expect(wilsonLowerBoundBp(1, 2, 1.96)).toBe(945);
		expect(wilsonLowerBoundBp(50, 100, 1.96)).toBe(4038);
		expect(wilsonLowerBoundBp(222, 312, 1.96)).toBe(6589);
	});

	it('is 0 without buyers or without repeats, and the plain rate at z = 0', () => {
		expect(wilsonLowerBoundBp(0, 0, Z)).toBe(0);
		expect(wilsonLowerBoundBp(0, 500, Z)).toBe(0);
		expect(wilsonLowerBoundBp(7, 10, 0)).toBe(7000);
	});

	it('refuses impossible counts', () => {
		expect(() => wilsonLowerBoundBp(4, 3, Z)).toThrow(RangeError);
		expect(() => wilsonLowerBoundBp(-1, 3, Z)).toThrow(RangeError);
		expect(() => wilsonLowerBoundBp(1.5, 3, Z)).toThrow(RangeError);
		expect(() => wilsonLowerBoundBp(1, 3, -1)).toThrow(RangeError);
	});

	it('never exceeds the rate, grows with more evidence at the same rate, and with more repeats', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 5000 }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				(n, share) => {
					const s = Math.round(share * n);
					const lb = wilsonLowerBoundBp(s, n, Z);
					expect(lb).toBeGreaterThanOrEqual(0);
					expect(lb).toBeLessThanOrEqual(Math.floor((s * 10_000) / n));
					// same rate, ten times the buyers: at least as high
					expect(wilsonLowerBoundBp(s * 10, n * 10, Z)).toBeGreaterThanOrEqual(lb);
					if (s < n) expect(wilsonLowerBoundBp(s + 1, n, Z)).toBeGreaterThanOrEqual(lb);
				}
			)
		);
	});
});
