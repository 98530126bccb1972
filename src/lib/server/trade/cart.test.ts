import { describe, expect, it } from 'vitest';
import { DEFAULT_TRADE_POLICY } from '$lib/domain/trade/policy';
import type { CartLotInfo } from './cart-lots';
import { priceForView } from './cart';

function lot(id: string, over: Partial<CartLotInfo> = {}): CartLotInfo {
	return {
		lotId: id,
		supplierId: 'sup-1',
		supplierName: '广州衣尚',
		warehouseProvince: '广东省',
		warehouseCity: '广州市',
		grade: 'B',
		tagPriceFen: 29_900,
		unitPriceFen: 3500,
		moq: 50,
		step: 1,
		priceBreaks: [],
		buyable: true,
		visible: true,
		title: `lot ${id}`,
		coverUrl: null,
		piecesPerCarton: 1,
		available: 1000,
		counters: { id, onHand: 1000, locked: 0, allocated: 0, stockVersion: 1 },
		...over
	};
}

const rates = [
	{
		originProvince: '广东省',
		destProvince: '山东省',
		minPieces: 1,
		partnerBaseFen: 0,
		partnerPerPieceFen: 320,
		marketBaseFen: 0,
		marketPerPieceFen: 400,
		carrier: '德邦物流'
	}
];

describe('priceForView', () => {
	it('prices each line with its break and packaging, and groups with partner freight', () => {
		const lots = new Map([
			['a', lot('a', { priceBreaks: [{ minQuantity: 500, unitPriceFen: 3200 }] })],
			['b', lot('b', { unitPriceFen: 2000 })]
		]);
		const v = priceForView(
			[
				{ lotId: 'a', quantity: 500, packaging: ['relabel_live'] },
				{ lotId: 'b', quantity: 60, packaging: [] }
			],
			lots,
			DEFAULT_TRADE_POLICY,
			rates,
			'山东省',
			'zh-CN'
		);
		expect(v.problems).toEqual([]);
		expect(v.lines.map((l) => [l.unitPriceFen, l.goodsFen, l.packagingFen])).toEqual([
			[3200, 1_600_000, 30 * 500],
			[2000, 120_000, 0]
		]);
		expect(v.groups).toHaveLength(1);
		expect(v.groups[0]).toMatchObject({
			pieces: 560,
			freight: { partnerFen: 560 * 320, marketFen: 560 * 400, carrier: '德邦物流' },
			totalFen: 1_600_000 + 15_000 + 120_000 + 560 * 320
		});
		expect(v.freightFen).toBe(560 * 320);
	});

	it('lists every problem at once, translated: MOQ, stock, route, an unavailable lot', () => {
		const lots = new Map([
			['a', lot('a', { available: 40, moq: 30 })],
			['b', lot('b', { buyable: false, visible: false })],
			['c', lot('c', { warehouseProvince: '新疆维吾尔自治区', supplierId: 'sup-2', moq: 1 })]
		]);
		const v = priceForView(
			[
				{ lotId: 'a', quantity: 60, packaging: [] },
				{ lotId: 'b', quantity: 60, packaging: [] },
				{ lotId: 'c', quantity: 10, packaging: [] }
			],
			lots,
			DEFAULT_TRADE_POLICY,
			rates,
			'山东省',
			'en'
		);
		expect(v.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
			'lines.0.quantity:insufficient_stock',
			'lines.1.lotId:lot_unavailable',
			'lines.2.quantity:mixed_batch_min',
			'shipTo.province:no_freight_route'
		]);
		expect(v.problems[0]!.message).toBe('Not enough stock: only 40 pieces are for sale.');
		expect(v.problems[2]!.params).toMatchObject({ pieces: 10, minimum: 50 });
		// The unavailable line still shows, priced, so the buyer can remove it.
		expect(v.lines).toHaveLength(3);
	});
});
