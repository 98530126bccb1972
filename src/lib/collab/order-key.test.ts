import { describe, expect, it } from 'vitest';
import { isOrderKey, keyBetween, keysBetween } from './order-key';

describe('fractional ordering keys', () => {
	it('starts at a0 and keeps appends short', () => {
		let k = keyBetween(null, null);
		expect(k).toBe('a0');
		const keys = [k];
		for (let i = 0; i < 500; i++) keys.push((k = keyBetween(k, null)));
		expect([...keys].sort()).toEqual(keys);
		expect(Math.max(...keys.map((x) => x.length))).toBeLessThanOrEqual(3);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('finds a key strictly between any two neighbours, also when prepending', () => {
		expect(keyBetween('a0', 'a1')).toBe('a0V');
		expect(keyBetween(null, 'a0') < 'a0').toBe(true);
		expect(keyBetween('a0', 'a0V') > 'a0').toBe(true);
		expect(keyBetween('a0', 'a0V') < 'a0V').toBe(true);
		expect(() => keyBetween('a1', 'a0')).toThrow();
		expect(() => keyBetween('a1', 'a1')).toThrow();
	});

	it('survives random inserts: order is kept and every key is valid', () => {
		let seed = 42;
		const rand = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed % n;
		};
		const list: string[] = [];
		for (let i = 0; i < 2000; i++) {
			const at = rand(list.length + 1);
			const k = keyBetween(list[at - 1] ?? null, list[at] ?? null);
			list.splice(at, 0, k);
		}
		expect([...list].sort()).toEqual(list);
		expect(new Set(list).size).toBe(list.length);
		expect(list.every(isOrderKey)).toBe(true);
	});

	it('spreads n keys between two keys', () => {
		for (const [a, b] of [
			[null, null],
			['a0', 'a1'],
			[null, 'a0'],
			['a5', null]
		] as const) {
			const keys = keysBetween(a, b, 37);
			expect(keys).toHaveLength(37);
			expect([...keys].sort()).toEqual(keys);
			if (a) expect(keys[0]! > a).toBe(true);
			if (b) expect(keys[36]! < b).toBe(true);
		}
	});

	it('rejects malformed keys', () => {
		expect(isOrderKey('a0')).toBe(true);
		expect(isOrderKey('a00')).toBe(false);
		expect(isOrderKey('')).toBe(false);
		expect(isOrderKey('a-')).toBe(false);
		expect(isOrderKey(5)).toBe(false);
	});
});
