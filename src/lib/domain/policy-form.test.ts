import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from './policy';
import {
	POLICY_FORM_FIELDS,
	formatPolicyInput,
	parsePolicyInput,
	policyValue
} from './policy-form';

describe('policy form fields', () => {
	it('name numeric leaves of the policy', () => {
		for (const f of POLICY_FORM_FIELDS)
			expect(policyValue(DEFAULT_POLICY, f.path), f.path).toBeTypeOf('number');
		expect(new Set(POLICY_FORM_FIELDS.map((f) => f.path)).size).toBe(POLICY_FORM_FIELDS.length);
	});

	it('shows basis points as percent and reads them back', () => {
		expect(formatPolicyInput('bp', 1550)).toBe('15.5');
		expect(parsePolicyInput('bp', ' 15.5 ')).toEqual({ value: 1550 });
		expect(parsePolicyInput('bp', '0.01')).toEqual({ value: 1 });
		for (const f of POLICY_FORM_FIELDS) {
			const v = policyValue(DEFAULT_POLICY, f.path) as number;
			expect(parsePolicyInput(f.unit, formatPolicyInput(f.unit, v))).toEqual({ value: v });
		}
	});

	it('refuses what is not a number of the field’s kind', () => {
		expect(parsePolicyInput('bp', '15.555')).toEqual({ error: 'policy.err.percent' });
		expect(parsePolicyInput('bp', '-1')).toEqual({ error: 'policy.err.percent' });
		expect(parsePolicyInput('bp', 'abc')).toEqual({ error: 'policy.err.percent' });
		expect(parsePolicyInput('minutes', '1.5')).toEqual({ error: 'policy.err.whole' });
		expect(parsePolicyInput('hours', '')).toEqual({ error: 'policy.err.whole' });
		expect(parsePolicyInput('hours', '-3')).toEqual({ value: -3 });
	});
});
