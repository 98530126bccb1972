import { describe, expect, it } from 'vitest';
import {
	DEFAULT_POLICY,
	diffPolicy,
	overridesOf,
	policyProblems,
	resolvePolicy,
	type Policy,
	type PolicyOverrides
} from './policy';

const withChange = (f: (p: Policy) => void): Policy => {
	const p = structuredClone(DEFAULT_POLICY);
	f(p);
	return p;
};

describe('resolvePolicy', () => {
	it('is the defaults without overrides, and never shares their objects', () => {
		const p = resolvePolicy();
		expect(p).toEqual(DEFAULT_POLICY);
		p.pricing.bands.A.minBp = 1;
		expect(DEFAULT_POLICY.pricing.bands.A.minBp).toBe(1500);
	});

	it('overrides leaves at any depth and keeps their siblings', () => {
		const p = resolvePolicy({
			live: { lockTtlMinutes: 30 },
			pricing: { bands: { B: { maxBp: 1400 } } }
		});
		expect(p.live.lockTtlMinutes).toBe(30);
		expect(p.live.maxLockQuantity).toBe(DEFAULT_POLICY.live.maxLockQuantity);
		expect(p.pricing.bands.B).toEqual({ minBp: 1000, maxBp: 1400 });
		expect(p.pricing.bands.A).toEqual(DEFAULT_POLICY.pricing.bands.A);
	});

	it('ignores unknown keys and values of the wrong kind (an older stored shape)', () => {
		const p = resolvePolicy({
			live: { lockTtlMinutes: '30', gone: 5 },
			nosection: { x: 1 },
			orders: { allowFreeStock: 1 },
			scenarios: { largeSizes: 'XL' }
		} as unknown as PolicyOverrides);
		expect(p).toEqual(DEFAULT_POLICY);
	});

	it('replaces arrays whole', () => {
		expect(resolvePolicy({ scenarios: { largeSizes: ['XL'] } }).scenarios.largeSizes).toEqual([
			'XL'
		]);
	});
});

describe('diffPolicy and overridesOf', () => {
	it('lists the leaves that differ, with both values', () => {
		const after = withChange((p) => {
			p.live.lockTtlMinutes = 60;
			p.pricing.bands.C.minBp = 600;
		});
		expect(diffPolicy(DEFAULT_POLICY, after)).toEqual([
			{ path: 'pricing.bands.C.minBp', from: 500, to: 600 },
			{ path: 'live.lockTtlMinutes', from: 240, to: 60 }
		]);
		expect(diffPolicy(after, after)).toEqual([]);
	});

	it('keeps only what differs from the defaults, and resolves back to the same policy', () => {
		const p = withChange((x) => {
			x.money.platformFeeBp = 250;
			x.orders.allowFreeStock = true;
		});
		const o = overridesOf(p);
		expect(o).toEqual({ money: { platformFeeBp: 250 }, orders: { allowFreeStock: true } });
		expect(resolvePolicy(o)).toEqual(p);
		expect(overridesOf(DEFAULT_POLICY)).toEqual({});
	});
});

describe('policyProblems', () => {
	it('finds none in the defaults (bands that touch do not overlap)', () => {
		expect(policyProblems(DEFAULT_POLICY)).toEqual([]);
	});

	it('refuses a band whose minimum is above its maximum', () => {
		const p = withChange((x) => (x.pricing.bands.B = { minBp: 1200, maxBp: 1100 }));
		expect(policyProblems(p)).toContainEqual({
			field: 'pricing.bands.B.maxBp',
			message: 'policy.err.band_min_max'
		});
	});

	it('refuses overlapping bands, naming both grades', () => {
		const p = withChange((x) => (x.pricing.bands.B.maxBp = 1600));
		expect(policyProblems(p)).toEqual([
			{
				field: 'pricing.bands.B.maxBp',
				message: 'policy.err.band_overlap',
				params: { a: 'A', b: 'B' }
			}
		]);
	});

	it('keeps the default commission inside its range, and the range in order', () => {
		expect(policyProblems(withChange((x) => (x.money.commissionMinBp = 2100)))[0]).toMatchObject({
			field: 'money.commissionMaxBp'
		});
		expect(
			policyProblems(withChange((x) => (x.money.defaultCommissionBp = 2500)))[0]
		).toMatchObject({ field: 'money.defaultCommissionBp' });
		expect(policyProblems(withChange((x) => (x.money.commissionMinBp = 1000)))).toEqual([]);
	});

	it('checks the session renewal and page sizes against their limits', () => {
		expect(
			policyProblems(withChange((x) => (x.auth.sessionRenewWithinDays = 40)))[0]
		).toMatchObject({ field: 'auth.sessionRenewWithinDays' });
		expect(policyProblems(withChange((x) => (x.catalog.pageSize = 200)))[0]).toMatchObject({
			field: 'catalog.pageSize'
		});
	});
});
