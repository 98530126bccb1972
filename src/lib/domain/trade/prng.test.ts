import { describe, expect, it } from 'vitest';
import { hashSeed, prngFrom, sampleDistinct } from './prng';

describe('seeded prng', () => {
	it('repeats the same sequence for the same seed and differs for another', () => {
		const a = prngFrom('order-1');
		const b = prngFrom('order-1');
		const c = prngFrom('order-2');
		const sa = Array.from({ length: 20 }, () => a.nextU32());
		const sb = Array.from({ length: 20 }, () => b.nextU32());
		const sc = Array.from({ length: 20 }, () => c.nextU32());
		expect(sa).toEqual(sb);
		expect(sa).not.toEqual(sc);
	});

	it('is pinned: the first values never change between releases or nodes', () => {
		// A changed generator would redraw every open inspection; this pins it.
		expect(hashSeed('a')).not.toEqual(hashSeed('b'));
		const r = prngFrom('pinned');
		const first = [r.nextU32(), r.nextU32(), r.nextU32()];
		expect(first).toEqual([676767300, 4046391447, 793797755]);
	});

	it('draws below n uniformly enough', () => {
		const r = prngFrom('uniform');
		const counts = [0, 0, 0, 0, 0, 0];
		for (let i = 0; i < 60_000; i++) counts[r.below(6)]!++;
		for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
		expect(() => r.below(0)).toThrow(RangeError);
	});

	it('samples k distinct sorted values in range', () => {
		for (const [n, k] of [
			[10, 0],
			[10, 3],
			[10, 10],
			[1_000_000, 50],
			[1, 1]
		] as const) {
			const s = sampleDistinct(prngFrom(`${n}-${k}`), n, k);
			expect(s).toHaveLength(k);
			expect(new Set(s).size).toBe(k);
			expect([...s].sort((x, y) => x - y)).toEqual(s);
			for (const v of s) expect(v >= 0 && v < n).toBe(true);
		}
		expect(() => sampleDistinct(prngFrom('x'), 3, 4)).toThrow(RangeError);
	});

	it('gives every element an equal chance', () => {
		const r = prngFrom('fair');
		const hits = new Array(10).fill(0);
		for (let i = 0; i < 20_000; i++) for (const v of sampleDistinct(r, 10, 3)) hits[v]++;
		for (const h of hits) expect(Math.abs(h - 6000)).toBeLessThan(350);
	});
});
