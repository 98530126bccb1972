import { describe, expect, it } from 'vitest';
import {
	bpToPercentString,
	fenToYuanString,
	parsePercentBp,
	parseYuan,
	yuanOrBlank
} from './money';

describe('parseYuan', () => {
	it('turns typed amounts into exact fen', () => {
		expect(parseYuan('35')).toBe(3500);
		expect(parseYuan('35.5')).toBe(3550);
		expect(parseYuan('¥35.05')).toBe(3505);
		expect(parseYuan('￥1,299.00')).toBe(129900);
		expect(parseYuan('9.9元')).toBe(990);
		expect(parseYuan(0.1 + 0.2)).toBe(30); // a float from a spreadsheet cell
		expect(parseYuan(35.5)).toBe(3550);
	});

	it('refuses what is not an amount, instead of guessing', () => {
		expect(parseYuan('35.555')).toBeNull();
		expect(parseYuan(35.555)).toBeNull();
		expect(parseYuan('-3')).toBeNull();
		expect(parseYuan('abc')).toBeNull();
		expect(parseYuan('')).toBeNull();
		expect(parseYuan(null)).toBeNull();
	});
});

describe('percentages and display strings', () => {
	it('parses percentages to basis points', () => {
		expect(parsePercentBp('11.7')).toBe(1170);
		expect(parsePercentBp('15%')).toBe(1500);
		expect(parsePercentBp(12.5)).toBe(1250);
		expect(parsePercentBp('1.234')).toBeNull();
	});

	it('formats fen and basis points back', () => {
		expect(fenToYuanString(3505)).toBe('35.05');
		expect(fenToYuanString(0)).toBe('0.00');
		expect(yuanOrBlank(1990)).toBe('19.90');
		expect(yuanOrBlank(null)).toBe('');
		expect(bpToPercentString(1170)).toBe('11.7');
		expect(bpToPercentString(1500)).toBe('15');
		expect(bpToPercentString(1171)).toBe('11.71');
	});
});
