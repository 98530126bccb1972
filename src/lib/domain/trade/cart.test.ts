import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	minimumQuantity,
	packagingFen,
	priceCart,
	unitPriceAt,
	validatePriceBreaks,
	type CartLot
} from './cart';

const lot = (over: Partial<CartLot> & { lotId: string }): CartLot => ({
	supplierId: 's1',
	warehouseProvince: '广东省',
	warehouseCity: '广州市',
	grade: 'B',
	tagPriceFen: 29900,
	unitPriceFen: 3500,
	moq: 10,
	step: 1,
	priceBreaks: [],
	buyable: true,
	...over
});

const lots = (...ls: CartLot[]) => new Map(ls.map((l) => [l.lotId, l]));

describe('price breaks', () => {
	const tee = lot({ lotId: 'tee' }); // ¥299 tag, grade B band 10–15% → ¥29.90–¥44.85

	it('takes the largest break at or below the quantity', () => {
		const l = {
			...tee,
			priceBreaks: [
				{ minQuantity: 100, unitPriceFen: 3300 },
				{ minQuantity: 500, unitPriceFen: 3100 }
			]
		};
		expect(unitPriceAt(l, 99).unitPriceFen).toBe(3500);
		expect(unitPriceAt(l, 100).unitPriceFen).toBe(3300);
		expect(unitPriceAt(l, 499).unitPriceFen).toBe(3300);
		expect(unitPriceAt(l, 500)).toEqual({
			unitPriceFen: 3100,
			priceBreak: { minQuantity: 500, unitPriceFen: 3100 }
		});
	});

	it('accepts decreasing prices inside the grade band', () => {
		expect(
			validatePriceBreaks(tee, [
				{ minQuantity: 100, unitPriceFen: 3300 },
				{ minQuantity: 500, unitPriceFen: 2990 }
			])
		).toEqual([]);
	});

	it('refuses a break below the grade band, unless the operator allowed the price', () => {
		const errs = validatePriceBreaks(tee, [{ minQuantity: 100, unitPriceFen: 2989 }]);
		expect(errs).toEqual([
			{
				code: 'out_of_band',
				field: 'priceBreaks.0.unitPriceFen',
				params: { minFen: 2990, maxFen: 4485 }
			}
		]);
		expect(
			validatePriceBreaks({ ...tee, priceOverride: true }, [
				{ minQuantity: 100, unitPriceFen: 2000 }
			])
		).toEqual([]);
	});

	it('refuses quantities not increasing and prices not decreasing', () => {
		const errs = validatePriceBreaks(tee, [
			{ minQuantity: 10, unitPriceFen: 3400 },
			{ minQuantity: 200, unitPriceFen: 3400 },
			{ minQuantity: 150, unitPriceFen: 3300 }
		]);
		expect(errs.map((e) => `${e.field}:${e.code}`)).toEqual([
			'priceBreaks.0.minQuantity:break_quantity',
			'priceBreaks.1.unitPriceFen:break_price',
			'priceBreaks.2.minQuantity:break_quantity'
		]);
	});

	it('refuses more breaks than the policy allows', () => {
		const many = Array.from({ length: 6 }, (_, i) => ({
			minQuantity: 100 * (i + 1),
			unitPriceFen: 3400 - i * 10
		}));
		expect(validatePriceBreaks(tee, many)[0]?.code).toBe('too_many_breaks');
	});
});

describe('cart validation', () => {
	it('names lines.<n>.quantity with moq and step', () => {
		const r = priceCart(
			[
				{ lotId: 'a', quantity: 60 },
				{ lotId: 'b', quantity: 40 },
				{ lotId: 'c', quantity: 65 }
			],
			lots(
				lot({ lotId: 'a', moq: 50 }),
				lot({ lotId: 'b', moq: 50 }),
				lot({ lotId: 'c', moq: 20, step: 10 })
			)
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([
			{ code: 'moq', field: 'lines.1.quantity', params: { moq: 50, minimum: 50 } },
			{ code: 'step', field: 'lines.2.quantity', params: { step: 10, moq: 20 } }
		]);
	});

	it('rounds the minimum up to a whole step', () => {
		expect(minimumQuantity({ moq: 50, step: 12 })).toBe(60);
		expect(minimumQuantity({ moq: 48, step: 12 })).toBe(48);
	});

	it('holds each supplier to the mixed-batch minimum, reported on its first line', () => {
		const r = priceCart(
			[
				{ lotId: 'a', quantity: 20 },
				{ lotId: 'x', quantity: 100 },
				{ lotId: 'b', quantity: 29 }
			],
			lots(lot({ lotId: 'a' }), lot({ lotId: 'b' }), lot({ lotId: 'x', supplierId: 's2' }))
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([
			{
				code: 'mixed_batch_min',
				field: 'lines.0.quantity',
				params: { supplierId: 's1', pieces: 49, minimum: 50 }
			}
		]);
		// One more piece across the supplier's lots is enough.
		const ok = priceCart(
			[
				{ lotId: 'a', quantity: 21 },
				{ lotId: 'x', quantity: 100 },
				{ lotId: 'b', quantity: 29 }
			],
			lots(lot({ lotId: 'a' }), lot({ lotId: 'b' }), lot({ lotId: 'x', supplierId: 's2' }))
		);
		expect(ok.ok).toBe(true);
	});

	it('refuses unknown, repeated, unbuyable lots and bad quantities', () => {
		const r = priceCart(
			[
				{ lotId: 'nope', quantity: 50 },
				{ lotId: 'a', quantity: 50 },
				{ lotId: 'a', quantity: 50 },
				{ lotId: 'blocked', quantity: 50 },
				{ lotId: 'b', quantity: 1.5 },
				{ lotId: 'c', quantity: 0 }
			],
			lots(
				lot({ lotId: 'a' }),
				lot({ lotId: 'blocked', buyable: false }),
				lot({ lotId: 'b' }),
				lot({ lotId: 'c' })
			)
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
			'lines.0.lotId:unknown_lot',
			'lines.2.lotId:duplicate_lot',
			'lines.3.lotId:lot_unavailable',
			'lines.4.quantity:quantity',
			'lines.5.quantity:quantity'
		]);
		expect(priceCart([], lots()).ok).toBe(false);
		const tooMany = Array.from({ length: 101 }, (_, i) => ({ lotId: `l${i}`, quantity: 50 }));
		const r2 = priceCart(tooMany, lots());
		expect(!r2.ok && r2.errors[0]?.code).toBe('too_many_lines');
	});

	it('prices lines with breaks and packaging, totals per supplier and cart exactly', () => {
		const r = priceCart(
			[
				{ lotId: 'a', quantity: 500, packaging: ['repack', 'relabel_live', 'repack'] },
				{ lotId: 'x', quantity: 60 }
			],
			lots(
				lot({ lotId: 'a', priceBreaks: [{ minQuantity: 500, unitPriceFen: 3100 }] }),
				lot({ lotId: 'x', supplierId: 's2', unitPriceFen: 999, tagPriceFen: 9990 })
			)
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const [a, x] = r.cart.lines;
		expect(a).toMatchObject({
			unitPriceFen: 3100,
			goodsFen: 1_550_000,
			packaging: ['relabel_live', 'repack'],
			packagingFen: (30 + 50) * 500,
			lineFen: 1_550_000 + 40_000
		});
		expect(x).toMatchObject({
			unitPriceFen: 999,
			goodsFen: 59_940,
			packagingFen: 0,
			lineFen: 59_940
		});
		expect(r.cart.suppliers).toEqual([
			{
				supplierId: 's1',
				pieces: 500,
				goodsFen: 1_550_000,
				packagingFen: 40_000,
				totalFen: 1_590_000
			},
			{ supplierId: 's2', pieces: 60, goodsFen: 59_940, packagingFen: 0, totalFen: 59_940 }
		]);
		expect(r.cart.totalFen).toBe(1_649_940);
		expect(r.cart.pieces).toBe(560);
	});

	it('refuses an unknown packaging option', () => {
		const r = priceCart(
			[{ lotId: 'a', quantity: 50, packaging: ['gift_wrap' as never] }],
			lots(lot({ lotId: 'a' }))
		);
		expect(!r.ok && r.errors[0]).toMatchObject({ code: 'packaging', field: 'lines.0.packaging' });
	});

	it('packaging fee is per piece per option', () => {
		expect(packagingFen([], 100)).toBe(0);
		expect(packagingFen(['remove_logo'], 100)).toBe(2000);
	});

	it('property: a valid cart totals exactly the sum of its lines, per supplier and overall', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						supplier: fc.integer({ min: 0, max: 3 }),
						price: fc.integer({ min: 1, max: 1_000_000 }),
						step: fc.integer({ min: 1, max: 12 }),
						cartons: fc.integer({ min: 50, max: 1000 }),
						relabel: fc.boolean()
					}),
					{ minLength: 1, maxLength: 20 }
				),
				(specs) => {
					const ls = specs.map((s, i) =>
						lot({
							lotId: `l${i}`,
							supplierId: `s${s.supplier}`,
							unitPriceFen: s.price,
							step: s.step,
							moq: s.step
						})
					);
					const input = specs.map((s, i) => ({
						lotId: `l${i}`,
						quantity: s.step * s.cartons,
						packaging: s.relabel ? (['relabel_live'] as const) : []
					}));
					const r = priceCart(input, lots(...ls));
					expect(r.ok).toBe(true);
					if (!r.ok) return;
					const sum = r.cart.lines.reduce((a, l) => a + l.lineFen, 0);
					expect(r.cart.totalFen).toBe(sum);
					expect(r.cart.suppliers.reduce((a, s) => a + s.totalFen, 0)).toBe(sum);
					for (const l of r.cart.lines) {
						expect(l.goodsFen).toBe(l.unitPriceFen * l.quantity);
						expect(l.lineFen).toBe(l.goodsFen + l.packagingFen);
					}
				}
			),
			{ seed: 18, numRuns: 200 }
		);
	});
});
