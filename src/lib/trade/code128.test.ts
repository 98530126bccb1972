import { describe, expect, it } from 'vitest';
import { CODE128_PATTERNS, STOP, bars, code128B, code128BValues, widthOf } from './code128';

/** Reads widths back to symbol values (what a scanner does), checking each symbol's shape. */
function decode(runs: number[]): number[] {
	const values: number[] = [];
	let i = 0;
	while (i < runs.length) {
		const n = runs.length - i === 7 ? 7 : 6;
		const v = CODE128_PATTERNS.indexOf(runs.slice(i, i + n).join(''));
		if (v < 0) throw new Error(`no symbol at ${i}`);
		values.push(v);
		i += n;
	}
	return values;
}

describe('code 128 B', () => {
	it('has 107 distinct patterns of 11 modules (the stop 13) with 3 bars each (the stop 4)', () => {
		expect(CODE128_PATTERNS).toHaveLength(107);
		expect(new Set(CODE128_PATTERNS).size).toBe(107);
		CODE128_PATTERNS.forEach((p, v) => {
			const widths = [...p].map(Number);
			const sum = widths.reduce((a, b) => a + b, 0);
			expect(sum, String(v)).toBe(v === STOP ? 13 : 11);
			// bars (even positions) cover an even number of modules, spaces an odd one
			const barModules = widths.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
			expect(barModules % 2, String(v)).toBe(0);
		});
	});

	it('encodes start B, the characters, the mod-103 check and stop', () => {
		// "PJJ123C": 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879 ≡ 55 (mod 103)
		expect(code128BValues('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
		const runs = code128B('1024');
		expect(decode(runs)).toEqual(code128BValues('1024'));
		expect(runs.reduce((a, b) => a + b, 0)).toBe(11 * (4 + 3) + 2);
		expect(() => code128B('')).toThrow();
		expect(() => code128B('单号')).toThrow();
	});

	it('lays bars out after the quiet zone', () => {
		const runs = code128B('7');
		const b = bars(runs, 10);
		expect(b[0]).toEqual({ x: 10, w: 2 });
		expect(b).toHaveLength(Math.ceil(runs.length / 2));
		expect(widthOf(runs, 10)).toBe(runs.reduce((a, c) => a + c, 0) + 20);
	});
});
