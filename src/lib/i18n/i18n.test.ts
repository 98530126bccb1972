import { describe, expect, it } from 'vitest';
import { en, zhCN } from './catalog';
import { formatFen, negotiate, translate } from '.';

describe('message catalogue', () => {
	it('has every Chinese key in English, with the same placeholders', () => {
		for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
			expect(en[key], key).toBeTypeOf('string');
			const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');
			expect(ph(en[key]), key).toBe(ph(zhCN[key]));
		}
		expect(Object.keys(en).length).toBe(Object.keys(zhCN).length);
	});

	it('fills placeholders and keeps unknown ones', () => {
		expect(translate('en', 'auth.password_hint', { min: 8 })).toBe('At least 8 characters');
		expect(translate('zh-CN', 'auth.password_hint', { min: 8 })).toBe('至少 8 位');
		expect(translate('en', 'auth.password_hint')).toBe('At least {min} characters');
	});

	it('negotiates Accept-Language by quality', () => {
		expect(negotiate('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
		expect(negotiate('fr;q=1,zh-TW;q=0.5')).toBe('zh-CN');
		expect(negotiate('fr')).toBeUndefined();
		expect(negotiate(undefined)).toBeUndefined();
	});

	it('formats fen as yuan', () => {
		expect(formatFen(3500, 'en')).toBe('CN¥35.00');
		expect(formatFen(29900, 'zh-CN')).toBe('¥299.00');
	});
});
