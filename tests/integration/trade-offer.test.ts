import { beforeAll, describe, expect, it } from 'vitest';
import { createLot } from '../../src/lib/server/catalog';
import type { Principal } from '../../src/lib/server/auth/principal';
import { setLotTerms } from '../../src/lib/server/trade';
import { lotOffer } from '../../src/lib/server/trade/offer';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';

// What a buyer reads of a lot's wholesale terms on the lot page (src/lib/server/trade/offer.ts):
// the supplier's step, carton size and price breaks, the smallest orderable quantity, the
// policy's packaging fees and mixed-batch minimum; defaults while the supplier set nothing.

let operator: Principal;
let supplier: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let lotId = '';

beforeAll(async () => {
	await seedReferenceData();
	operator = await makeOperator();
	supplier = await makeAdmittedSupplier(operator, '广州衣尚服饰厂');
	lotId = (
		await createLot(supplier.principal, {
			title: '衣尚 纯棉圆领T恤 夏季新款',
			categoryPath: 'apparel/women/tshirts',
			source: 'factory_overrun',
			grade: 'B',
			defectDescription: '袖口有线头（微瑕）',
			tagPriceFen: 29900,
			unitPriceFen: 3500,
			moq: 95,
			onHand: 2000,
			sizeBreakdown: { S: 500, M: 500, L: 500, XL: 500 }
		})
	).id;
});

describe('a lot’s wholesale offer for buyers', () => {
	it('has the defaults before the supplier sets terms', async () => {
		expect(await lotOffer({ id: lotId, moq: 95 })).toEqual({
			step: 1,
			piecesPerCarton: 1,
			priceBreaks: [],
			minimum: 95,
			packagingFeeFen: { relabel_live: 30, remove_logo: 20, repack: 50 },
			mixedBatchMin: 50
		});
	});

	it('shows the supplier’s step, carton and breaks in quantity order; the minimum is a whole step', async () => {
		await setLotTerms(supplier.principal, lotId, {
			step: 10,
			piecesPerCarton: 20,
			priceBreaks: [
				{ minQuantity: 200, unitPriceFen: 3300 },
				{ minQuantity: 500, unitPriceFen: 3100 }
			]
		});
		const offer = await lotOffer({ id: lotId, moq: 95 });
		expect(offer).toMatchObject({ step: 10, piecesPerCarton: 20, minimum: 100 });
		expect(offer.priceBreaks).toEqual([
			{ minQuantity: 200, unitPriceFen: 3300 },
			{ minQuantity: 500, unitPriceFen: 3100 }
		]);
	});
});
