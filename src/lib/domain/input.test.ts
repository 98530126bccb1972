import { describe, expect, it } from 'vitest';
import {
	controlCharIndex,
	isCalendarDate,
	isDateInRange,
	isMonthInRange,
	parseIsoDateTime,
	sheetDateTime
} from './input';

describe('control characters', () => {
	it('finds NUL and other C0/C1 controls, single-line text refusing line breaks too', () => {
		expect(controlCharIndex('ab\u0000c', true)).toBe(2);
		expect(controlCharIndex('\u0085', true)).toBe(0);
		expect(controlCharIndex('x\u007F', false)).toBe(1);
		expect(controlCharIndex('a\nb', false)).toBe(1);
		expect(controlCharIndex('a\tb', false)).toBe(1);
	});
	it('lets multi-line text keep tabs and line breaks, and any printable text through', () => {
		expect(controlCharIndex('第一行\r\n第二行\t尾', true)).toBe(-1);
		expect(controlCharIndex('泉城路 188 号 😀', false)).toBe(-1);
	});
});

describe('dates', () => {
	it('accepts real calendar days only', () => {
		expect(isCalendarDate('2024-02-29')).toBe(true);
		expect(isCalendarDate('2026-02-29')).toBe(false);
		expect(isCalendarDate('2026-13-01')).toBe(false);
		expect(isCalendarDate('2026-1-01')).toBe(false);
	});
	it('keeps days and months inside 2000-01-01 … 2100-12-31', () => {
		expect(isDateInRange('0001-01-01')).toBe(false);
		expect(isDateInRange('1999-12-31')).toBe(false);
		expect(isDateInRange('2000-01-01')).toBe(true);
		expect(isDateInRange('2100-12-31')).toBe(true);
		expect(isDateInRange('2101-01-01')).toBe(false);
		expect(isMonthInRange('0000-01')).toBe(false);
		expect(isMonthInRange('2026-11')).toBe(true);
		expect(isMonthInRange('2026-00')).toBe(false);
	});
	it('parses ISO date-times with an offset, strictly and within range', () => {
		expect(parseIsoDateTime('2026-11-26T12:00:00+08:00')?.toISOString()).toBe(
			'2026-11-26T04:00:00.000Z'
		);
		expect(parseIsoDateTime('2026-11-26T04:00Z')?.toISOString()).toBe('2026-11-26T04:00:00.000Z');
		expect(parseIsoDateTime('2026-11-26')).toBeNull();
		expect(parseIsoDateTime('2026-11-26T12:00:00')).toBeNull();
		expect(parseIsoDateTime('2026-02-30T12:00:00Z')).toBeNull();
		expect(parseIsoDateTime('2026-11-26T24:00:00Z')).toBeNull();
		expect(parseIsoDateTime('1970-01-01T00:00:00Z')).toBeNull();
		expect(parseIsoDateTime('+275760-09-13T00:00:00Z')).toBeNull();
		expect(parseIsoDateTime('9999-12-31T23:59:59Z')).toBeNull();
		expect(parseIsoDateTime('true')).toBeNull();
	});
});

describe('spreadsheet date-times', () => {
	it('reads dates and times without an offset as China time', () => {
		expect(sheetDateTime('2026-11-26 12:00')).toBe('2026-11-26T12:00:00+08:00');
		expect(sheetDateTime('2026/11/6 8:05:09')).toBe('2026-11-06T08:05:09+08:00');
		expect(sheetDateTime('2026-11-26')).toBe('2026-11-26T00:00:00+08:00');
		expect(parseIsoDateTime(sheetDateTime('2026-11-26 12:00'))?.toISOString()).toBe(
			'2026-11-26T04:00:00.000Z'
		);
	});
	it('leaves values with an offset, and anything else, as they are', () => {
		expect(sheetDateTime('2026-11-26T12:00:00Z')).toBe('2026-11-26T12:00:00Z');
		expect(sheetDateTime('昨天')).toBe('昨天');
	});
});
