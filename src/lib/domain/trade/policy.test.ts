import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TRADE_POLICY,
	TradePolicySchema,
	addDays,
	addHours,
	isB2bQuantity
} from './policy';

describe('trade policy', () => {
	it('carries the numbers of DOMAIN.md and the issues', () => {
		const p = DEFAULT_TRADE_POLICY;
		expect(p.cart.mixedBatchMinPieces).toBe(50);
		expect(p.cart.b2bMoq).toBe(500);
		expect(p.orders.unpaidReleaseMinutes).toBe(30);
		expect(p.orders.acceptSlaHours).toBe(24);
		expect(p.orders.shipSlaHours).toBe(72);
		expect(p.orders.inspectionWindowHours).toBe(48);
		expect(p.inspection.samplingBp).toBe(3000);
		expect(p.inspection.severeDefectMinPieces).toBe(3);
		expect(p.inspection.replacementDueHours).toBe(24);
		expect(p.samples.defaultPriceFen).toBe(5000);
		expect([p.samples.minPieces, p.samples.maxPieces]).toEqual([3, 5]);
		expect(p.samples.shipSlaDays).toBe(3);
		expect(p.samples.creditValidityDays).toBe(60);
		expect(p.disputes.answerHours).toBe(48);
		expect(p.disputes.rulingHours).toBe(48);
		expect(p.credit.termDays).toEqual([30, 45]);
		expect(p.credit.graceDays).toBe(3);
		expect(p.credit.warnBp).toBe(8000);
		// Stricter grades allow fewer defects.
		const a = p.inspection.allowance;
		expect(a.A.maxDefectBp).toBeLessThan(a.B.maxDefectBp);
		expect(a.B.maxDefectBp).toBeLessThan(a.C.maxDefectBp);
		expect(a.A.maxSevereBp).toBeLessThan(a.B.maxSevereBp);
	});

	it('passes its own schema', () => {
		expect(TradePolicySchema.safeParse(DEFAULT_TRADE_POLICY).success).toBe(true);
	});

	it('refuses values out of bounds, naming the field', () => {
		const bad = (mutate: (p: typeof DEFAULT_TRADE_POLICY) => void): string[] => {
			const p = structuredClone(DEFAULT_TRADE_POLICY);
			mutate(p);
			const r = TradePolicySchema.safeParse(p);
			expect(r.success).toBe(false);
			return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
		};
		expect(bad((p) => (p.inspection.samplingBp = 0))).toContain('inspection.samplingBp');
		expect(bad((p) => (p.inspection.samplingBp = 10001))).toContain('inspection.samplingBp');
		expect(bad((p) => (p.orders.wholesaleFeeBp = -1))).toContain('orders.wholesaleFeeBp');
		expect(bad((p) => (p.orders.unpaidReleaseMinutes = 1.5))).toContain(
			'orders.unpaidReleaseMinutes'
		);
		expect(bad((p) => (p.samples.minPieces = 6))).toContain('samples.minPieces');
		expect(bad((p) => (p.orders.acceptSlaHours = 100))).toContain('orders.acceptSlaHours');
		expect(bad((p) => (p.inspection.allowance.A.maxSevereBp = 500))).toContain(
			'inspection.allowance.A.maxSevereBp'
		);
		expect(bad((p) => (p.credit.termDays = []))).toContain('credit.termDays');
		expect(bad((p) => Object.assign(p.cart, { extra: 1 }))).toContain('cart');
	});

	it('adds time exactly', () => {
		const t = new Date('2026-01-01T00:00:00Z');
		expect(addHours(t, 48).toISOString()).toBe('2026-01-03T00:00:00.000Z');
		expect(addDays(t, 60).toISOString()).toBe('2026-03-02T00:00:00.000Z');
		expect(isB2bQuantity(499)).toBe(false);
		expect(isB2bQuantity(500)).toBe(true);
	});
});
