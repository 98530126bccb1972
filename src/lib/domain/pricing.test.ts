import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, resolvePolicy } from './policy';
import {
	checkBand,
	deriveLotFields,
	deriveScenarios,
	discountBp,
	largeSizeBp,
	priceFromDiscount,
	sizeProfile
} from './pricing';

describe('grade price bands', () => {
	it('accepts exactly 15% and 20% for grade A and refuses one fen outside', () => {
		// tag ¥100.00: band A is ¥15.00 – ¥20.00
		expect(checkBand('A', 10000, 1500).ok).toBe(true);
		expect(checkBand('A', 10000, 2000).ok).toBe(true);
		expect(checkBand('A', 10000, 1499).ok).toBe(false);
		expect(checkBand('A', 10000, 2001).ok).toBe(false);
	});

	it('compares exactly for tag prices that do not divide evenly', () => {
		// tag ¥299.00, grade B: 10% = 2990, 15% = 4485
		expect(checkBand('B', 29900, 3500).ok).toBe(true); // the article's ¥35 T-shirt, 11.7%
		expect(checkBand('B', 29900, 2990).ok).toBe(true);
		expect(checkBand('B', 29900, 2989).ok).toBe(false);
		expect(checkBand('B', 29900, 4485).ok).toBe(true);
		expect(checkBand('B', 29900, 4486).ok).toBe(false);
		// tag 333 fen, grade C: 5% = 16.65 fen → lowest allowed 17
		const c = checkBand('C', 333, 17);
		expect(c.ok).toBe(true);
		expect(c.minPriceFen).toBe(17);
		expect(checkBand('C', 333, 16).ok).toBe(false);
	});

	it('derives discount and price with half-up rounding', () => {
		expect(discountBp(29900, 3500)).toBe(1171);
		expect(priceFromDiscount(29900, 1170)).toBe(3498);
		expect(priceFromDiscount(100, 1550)).toBe(16);
	});
});

describe('scenario tags', () => {
	const base = {
		grade: 'A' as const,
		unitPriceFen: 5000,
		sizeBreakdown: {},
		hasDefectVideo: false,
		talkingPoints: ''
	};

	it('tags export at 80% large sizes and not below', () => {
		expect(largeSizeBp({ XL: 80, M: 20 })).toBe(8000);
		expect(deriveScenarios({ ...base, sizeBreakdown: { XL: 50, xxl: 30, M: 20 } })).toEqual([
			'export'
		]);
		expect(deriveScenarios({ ...base, sizeBreakdown: { XL: 79, M: 21 } })).toEqual([]);
	});

	it('tags stall only for grade C under ¥10', () => {
		expect(deriveScenarios({ ...base, grade: 'C', unitPriceFen: 999 })).toEqual(['stall']);
		expect(deriveScenarios({ ...base, grade: 'C', unitPriceFen: 1000 })).toEqual([]);
		expect(deriveScenarios({ ...base, grade: 'B', unitPriceFen: 500 })).toEqual([]);
	});

	it('tags live_special only with a defect video and talking points', () => {
		expect(deriveScenarios({ ...base, hasDefectVideo: true, talkingPoints: '袖口线头' })).toEqual([
			'live_special'
		]);
		expect(deriveScenarios({ ...base, hasDefectVideo: true, talkingPoints: '  ' })).toEqual([]);
		expect(deriveScenarios({ ...base, hasDefectVideo: false, talkingPoints: '话术' })).toEqual([]);
	});
});

describe('band edges for every grade', () => {
	it.each([
		['A', 1500, 2000],
		['B', 1000, 1500],
		['C', 500, 1000]
	] as const)('grade %s: exactly %i and %i bp pass, one fen outside fails', (grade, lo, hi) => {
		const tag = 29900; // ¥299.00
		const r = checkBand(grade, tag, 1);
		expect(r.band).toEqual({ minBp: lo, maxBp: hi });
		expect(checkBand(grade, tag, r.minPriceFen).ok).toBe(true);
		expect(checkBand(grade, tag, r.maxPriceFen).ok).toBe(true);
		expect(checkBand(grade, tag, r.minPriceFen - 1).ok).toBe(false);
		expect(checkBand(grade, tag, r.maxPriceFen + 1).ok).toBe(false);
		// the price that is exactly lo% of the tag price
		expect(checkBand(grade, 10000, lo).ok).toBe(true);
		expect(checkBand(grade, 10000, hi).ok).toBe(true);
	});

	it('reads the bands from the policy it is given', () => {
		const policy = resolvePolicy({
			pricing: {
				bands: {
					A: { minBp: 1000, maxBp: 3000 },
					B: DEFAULT_POLICY.pricing.bands.B,
					C: DEFAULT_POLICY.pricing.bands.C
				}
			}
		});
		expect(checkBand('A', 10000, 1200, policy).ok).toBe(true);
		expect(checkBand('A', 10000, 1200).ok).toBe(false);
	});
});

describe('size profile', () => {
	it('tells one-size, shoes, kids, large and standard apart', () => {
		expect(sizeProfile({})).toBe('none');
		expect(sizeProfile({ 均码: 100 })).toBe('one_size');
		expect(sizeProfile({ '36': 10, '41': 20, '44': 5 })).toBe('shoes');
		expect(sizeProfile({ '90': 10, '110': 20, '140': 5 })).toBe('kids');
		expect(sizeProfile({ S: 10, M: 10, XL: 40, '3XL': 40 })).toBe('large');
		expect(sizeProfile({ S: 30, M: 30, L: 30, XL: 10 })).toBe('standard');
		expect(sizeProfile({ XL: 0, M: 5 })).toBe('standard');
	});

	it('derives scenarios, large share and profile together', () => {
		expect(
			deriveLotFields({
				grade: 'C',
				unitPriceFen: 900,
				sizeBreakdown: { XL: 90, M: 10 },
				hasDefectVideo: true,
				talkingPoints: '局部色差，镜头前展示'
			})
		).toEqual({
			scenarios: ['export', 'stall', 'live_special'],
			largeSizeBp: 9000,
			sizeProfile: 'large'
		});
	});
});
