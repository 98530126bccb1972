import { describe, expect, it } from 'vitest';
import {
	carrierOf,
	KUAIDI100_COM,
	TRACKING_NO,
	TRADE_CARRIERS,
	normaliseTrackingNo
} from './carriers';

describe('carriers', () => {
	it('normalises tracking numbers: spaces and dashes out, upper case', () => {
		expect(normaliseTrackingNo(' sf 1234-5678 9012 ')).toBe('SF123456789012');
		expect(TRACKING_NO.test(normaliseTrackingNo('yd 9988 7766'))).toBe(true);
	});

	it('takes 8–32 letters and digits only', () => {
		expect(TRACKING_NO.test('SF1234567890123')).toBe(true);
		expect(TRACKING_NO.test('1234567')).toBe(false);
		expect(TRACKING_NO.test('A'.repeat(33))).toBe(false);
		expect(TRACKING_NO.test('SF12345678_9')).toBe(false);
	});

	it('maps every 快递100 company code to a carrier we list', () => {
		for (const c of Object.values(KUAIDI100_COM)) expect(TRADE_CARRIERS).toContain(c);
		for (const c of TRADE_CARRIERS) expect(Object.values(KUAIDI100_COM)).toContain(c);
	});

	it('knows a carrier by its code in any case, its Chinese name or its 快递100 code', () => {
		expect(carrierOf('sf')).toBe('SF');
		expect(carrierOf(' 顺丰速运 ')).toBe('SF');
		expect(carrierOf('顺丰')).toBe('SF');
		expect(carrierOf('德邦物流')).toBe('DBL');
		expect(carrierOf('zhongtong')).toBe('ZTO');
		expect(carrierOf('UPS')).toBeNull();
		expect(carrierOf('')).toBeNull();
	});
});
