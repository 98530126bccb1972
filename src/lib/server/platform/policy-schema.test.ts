import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '$lib/domain/policy';
import { PolicySaveInput, PolicySchema } from './policy-schema';

const leaves = (o: unknown, prefix = ''): string[] =>
	typeof o === 'object' && o !== null && !Array.isArray(o)
		? Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
		: [prefix];

const set = (path: string, value: unknown): unknown => {
	const p = structuredClone(DEFAULT_POLICY) as unknown as Record<string, unknown>;
	const keys = path.split('.');
	let at = p;
	for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
	at[keys.at(-1)!] = value;
	return p;
};

const issuePath = (input: unknown) => {
	const r = PolicySchema.safeParse(input);
	return r.success ? null : r.error.issues[0]!.path.join('.');
};

describe('PolicySchema', () => {
	it('accepts the defaults as they are', () => {
		expect(PolicySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
	});

	it('bounds every field: a value of the wrong type is refused at its own path', () => {
		for (const path of leaves(DEFAULT_POLICY)) {
			expect(issuePath(set(path, { nope: true })), path).toBe(path);
		}
	});

	it.each([
		['live.lockTtlMinutes', 0],
		['live.lockTtlMinutes', 1.5],
		['orders.acceptSlaHours', 0],
		['orders.shipSlaHours', -1],
		['orders.returnWindowDays', 91],
		['money.platformFeeBp', -1],
		['money.platformFeeBp', 5001],
		['money.commissionMaxBp', 10_001],
		['pricing.bands.A.minBp', -5],
		['auth.passwordMinLength', 4],
		['scenarios.largeSizes', []]
	])('refuses %s = %j', (path, value) => {
		expect(issuePath(set(path, value))).toBe(path);
	});

	it('refuses unknown fields (a typo never saves silently)', () => {
		expect(issuePath(set('live.lockTtlMinute', 30))).toBe('live');
	});

	it('accepts values at their bounds', () => {
		expect(issuePath(set('live.lockTtlMinutes', 1))).toBeNull();
		expect(issuePath(set('money.platformFeeBp', 0))).toBeNull();
		const p: Policy = PolicySchema.parse(set('orders.shipSlaHours', 720));
		expect(p.orders.shipSlaHours).toBe(720);
	});
});

describe('PolicySaveInput', () => {
	it('needs a reason', () => {
		expect(PolicySaveInput.safeParse({ changes: {}, reason: ' ' }).success).toBe(false);
		expect(PolicySaveInput.safeParse({ changes: { a: 1 }, reason: 'x' }).success).toBe(true);
	});
});
