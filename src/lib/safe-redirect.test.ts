import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-redirect';

describe('safeNext', () => {
	it('keeps same-site paths and refuses others', () => {
		expect(safeNext('/console?x=1')).toBe('/console?x=1');
		expect(safeNext('//evil.example')).toBe('/');
		expect(safeNext('/\\evil.example')).toBe('/');
		expect(safeNext('https://evil.example')).toBe('/');
		expect(safeNext(undefined, '/catalog')).toBe('/catalog');
	});
});
