import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { shipFormToInput } from './supplier-forms';
import { termsFormField, termsFormToInput } from './terms-form';

function refusal(fn: () => unknown): AppError {
	try {
		fn();
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

describe('the lot terms form', () => {
	it('reads step, carton size and the filled break rows, prices in yuan', () => {
		expect(
			termsFormToInput({
				step: ' 10 ',
				piecesPerCarton: '50',
				'priceBreaks.0.minQuantity': '200',
				'priceBreaks.0.unitPrice': '33',
				'priceBreaks.1.minQuantity': '500',
				'priceBreaks.1.unitPrice': '¥29.90',
				'priceBreaks.2.minQuantity': '',
				'priceBreaks.2.unitPrice': ''
			})
		).toEqual({
			step: 10,
			piecesPerCarton: 50,
			priceBreaks: [
				{ minQuantity: 200, unitPriceFen: 3300 },
				{ minQuantity: 500, unitPriceFen: 2990 }
			]
		});
		expect(termsFormToInput({ step: '1', piecesPerCarton: '1' }).priceBreaks).toEqual([]);
	});

	it('names every field it cannot read, rows by the index the supplier sees', () => {
		const e = refusal(() =>
			termsFormToInput({
				step: '0',
				piecesPerCarton: 'ten',
				'priceBreaks.1.minQuantity': '500',
				'priceBreaks.1.unitPrice': '12.345'
			})
		);
		expect(e.status).toBe(400);
		expect(e.field).toBe('step');
		expect(e.issues?.map((i) => [i.field, i.message])).toEqual([
			['step', 'terms.err.whole'],
			['piecesPerCarton', 'terms.err.whole'],
			// an empty row before a filled one is that row's problem
			['priceBreaks.0.minQuantity', 'terms.err.whole'],
			['priceBreaks.0.unitPrice', 'terms.err.yuan'],
			['priceBreaks.1.unitPrice', 'terms.err.yuan']
		]);
	});

	it('maps the service’s fen field to the form’s yuan field', () => {
		expect(termsFormField('priceBreaks.2.unitPriceFen')).toBe('priceBreaks.2.unitPrice');
		expect(termsFormField('priceBreaks.2.minQuantity')).toBe('priceBreaks.2.minQuantity');
		expect(termsFormField(undefined)).toBeUndefined();
	});
});

describe('the ship form', () => {
	it('reads parcel rows up to the last filled one; cartons become numbers when they are', () => {
		expect(
			shipFormToInput({
				'parcels.0.carrier': 'SF',
				'parcels.0.trackingNo': ' SF1234567890 ',
				'parcels.0.cartons': '7',
				'parcels.1.carrier': 'ZTO',
				'parcels.1.trackingNo': '7312345678901',
				'parcels.1.cartons': '2.5',
				'parcels.2.carrier': '',
				'parcels.2.trackingNo': '',
				'parcels.2.cartons': ''
			})
		).toEqual({
			parcels: [
				{ carrier: 'SF', trackingNo: 'SF1234567890', cartons: 7 },
				// left as typed: the service's validation names parcels.1.cartons
				{ carrier: 'ZTO', trackingNo: '7312345678901', cartons: '2.5' }
			]
		});
		expect(shipFormToInput({})).toEqual({ parcels: [] });
	});
});
