import { describe, expect, it } from 'vitest';
import { buildSearchText, parseQuery, searchGrams } from './search-text';

describe('search grams', () => {
	it('lists Chinese characters and adjacent pairs once, skipping Latin text', () => {
		expect(searchGrams('童装 kids 童装套装')).toEqual(['童', '童装', '装', '装套', '套', '套装']);
		expect(searchGrams('dress only')).toEqual([]);
	});

	it('makes a searchable text from the lot parts', () => {
		expect(buildSearchText({ title: '碎花 Dress', brand: '衣尚', brandEn: 'Yishang' })).toBe(
			'碎花 dress 衣尚 yishang'
		);
	});
});

describe('parseQuery', () => {
	it('sends one- and two-character Chinese terms to the grams, the rest to substring search', () => {
		expect(parseQuery('  裙 童装 连衣裙 XL  ')).toEqual([
			{ kind: 'gram', text: '裙' },
			{ kind: 'gram', text: '童装' },
			{ kind: 'substring', text: '连衣裙' },
			{ kind: 'substring', text: 'xl' }
		]);
		expect(parseQuery('T恤')).toEqual([{ kind: 'substring', text: 't恤' }]);
		expect(parseQuery('')).toEqual([]);
	});
});
