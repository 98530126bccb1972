import { describe, expect, it } from 'vitest';
import { cartLineFromForm, checkoutFromForm, inspectionItemFromForm, wholeNumber } from './forms';

const form = (entries: [string, string][]) => {
	const d = new FormData();
	for (const [k, v] of entries) d.append(k, v);
	return d;
};

describe('trade forms to service input', () => {
	it('turns whole numbers into numbers and leaves anything else for the service to refuse', () => {
		expect(wholeNumber('120')).toBe(120);
		expect(wholeNumber('')).toBeUndefined();
		expect(wholeNumber('1.5')).toBe('1.5');
		expect(wholeNumber('-3')).toBe('-3');
		expect(wholeNumber('1e3')).toBe('1e3');
	});

	it('reads a cart line with its repeated packaging boxes', () => {
		expect(
			cartLineFromForm(
				form([
					['lotId', ' 7c0a '],
					['quantity', '300'],
					['packaging', 'relabel_live'],
					['packaging', 'repack'],
					['packaging', '']
				])
			)
		).toEqual({ lotId: '7c0a', quantity: 300, packaging: ['relabel_live', 'repack'] });
	});

	it('reads the ship-to fields and the provider', () => {
		const r = checkoutFromForm(
			form([
				['shipTo.name', '陈老板'],
				['shipTo.phone', '13800000000'],
				['shipTo.province', '山东省'],
				['shipTo.city', '济南市'],
				['shipTo.address', '历下区 1 号'],
				['provider', 'test'],
				['idempotencyKey', 'k']
			])
		);
		expect(r).toEqual({
			shipTo: {
				name: '陈老板',
				phone: '13800000000',
				province: '山东省',
				city: '济南市',
				district: '',
				address: '历下区 1 号'
			},
			provider: 'test'
		});
	});

	it('keeps a piece’s photos and adds the one just uploaded', () => {
		expect(
			inspectionItemFromForm(
				form([
					['lineId', 'l1'],
					['piece', '17'],
					['result', 'minor'],
					['note', ''],
					['photos', 'k1']
				]),
				'k2'
			)
		).toEqual({ lineId: 'l1', piece: 17, result: 'minor', photos: ['k1', 'k2'] });
		expect(
			inspectionItemFromForm(
				form([
					['lineId', 'l1'],
					['piece', '0'],
					['result', 'pass'],
					['note', '线头']
				])
			)
		).toEqual({ lineId: 'l1', piece: 0, result: 'pass', note: '线头' });
	});
});
