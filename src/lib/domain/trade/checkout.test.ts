import { describe, expect, it } from 'vitest';
import { priceCart, type CartLot } from './cart';
import { quoteRoute, splitCheckout, type RateTable } from './checkout';

// The demo seed's Guangzhou → Shandong tiers (seed/orders.ts, factor 100 for 山东省).
const RATES: RateTable = [
	{
		originProvince: '广东省',
		destProvince: '山东省',
		minPieces: 1,
		partnerBaseFen: 600,
		partnerPerPieceFen: 150,
		marketBaseFen: 1000,
		marketPerPieceFen: 220,
		carrier: '中通快递'
	},
	{
		originProvince: '广东省',
		destProvince: '山东省',
		minPieces: 100,
		partnerBaseFen: 0,
		partnerPerPieceFen: 320,
		marketBaseFen: 0,
		marketPerPieceFen: 400,
		carrier: '德邦物流'
	},
	{
		originProvince: '浙江省',
		destProvince: '山东省',
		minPieces: 1,
		partnerBaseFen: 500,
		partnerPerPieceFen: 100,
		marketBaseFen: 800,
		marketPerPieceFen: 200,
		carrier: '圆通速递'
	}
];

const lot = (over: Partial<CartLot> & { lotId: string }): CartLot => ({
	supplierId: 's1',
	warehouseProvince: '广东省',
	warehouseCity: '广州市',
	grade: 'B',
	tagPriceFen: 29900,
	unitPriceFen: 3500,
	moq: 50,
	step: 1,
	priceBreaks: [],
	buyable: true,
	...over
});

describe('freight quote', () => {
	it('广州→济南 500 pieces: market ¥2000, partner ¥1600', () => {
		expect(quoteRoute(RATES, '广东省', '山东省', 500)).toEqual({
			origin: '广东省',
			dest: '山东省',
			pieces: 500,
			partnerFen: 160_000,
			marketFen: 200_000,
			savingFen: 40_000,
			carrier: '德邦物流'
		});
	});

	it('uses the parcel tier below 100 pieces and nothing for an unserved route', () => {
		expect(quoteRoute(RATES, '广东省', '山东省', 99)?.partnerFen).toBe(600 + 150 * 99);
		expect(quoteRoute(RATES, '广东省', '西藏自治区', 500)).toBeNull();
		expect(quoteRoute(RATES, '广东省', '山东省', 0)).toBeNull();
	});
});

describe('checkout split', () => {
	const lots = new Map(
		[
			lot({ lotId: 'a' }),
			lot({ lotId: 'b', warehouseCity: '东莞市' }),
			lot({ lotId: 'c' }),
			lot({ lotId: 'z', supplierId: 's2', warehouseProvince: '浙江省', warehouseCity: '杭州市' })
		].map((l) => [l.lotId, l])
	);
	const priced = () => {
		const r = priceCart(
			[
				{ lotId: 'a', quantity: 300 },
				{ lotId: 'z', quantity: 50 },
				{ lotId: 'b', quantity: 60 },
				{ lotId: 'c', quantity: 200 }
			],
			lots
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.cart;
	};

	it('makes one order per supplier and warehouse, each with its route freight', () => {
		const r = splitCheckout(priced(), '山东省', RATES);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.orders.map((o) => [o.key, o.lines.map((l) => l.lotId), o.pieces])).toEqual([
			['s1|广东省|广州市', ['a', 'c'], 500],
			['s2|浙江省|杭州市', ['z'], 50],
			['s1|广东省|东莞市', ['b'], 60]
		]);
		const [gz] = r.orders;
		expect(gz!.freightFen).toBe(160_000);
		expect(gz!.totalFen).toBe(500 * 3500 + 160_000);
		// Freight is quoted on the order's pieces, not the line's.
		expect(r.orders[2]!.freightFen).toBe(600 + 150 * 60);
	});

	it('refuses a destination no partner serves, naming the field', () => {
		const r = splitCheckout(priced(), '西藏自治区', RATES);
		expect(r).toEqual({
			ok: false,
			error: {
				code: 'no_freight_route',
				field: 'shipTo.province',
				params: { origin: '广东省', dest: '西藏自治区' }
			}
		});
	});

	it('applies each sample credit once, to its lot, capped at the line goods', () => {
		const r = splitCheckout(priced(), '山东省', RATES, [
			{ sampleId: 'smp1', lotId: 'a', amountFen: 15_000 },
			{ sampleId: 'smp1', lotId: 'a', amountFen: 15_000 },
			{ sampleId: 'smp2', lotId: 'z', amountFen: 10_000_000 },
			{ sampleId: 'smp3', lotId: 'not-in-cart', amountFen: 5000 }
		]);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const [gz, hz] = r.orders;
		expect(gz!.credits).toEqual([{ sampleId: 'smp1', lotId: 'a', amountFen: 15_000 }]);
		expect(gz!.totalFen).toBe(500 * 3500 + 160_000 - 15_000);
		expect(hz!.creditFen).toBe(50 * 3500);
		expect(hz!.totalFen).toBe(hz!.freightFen);
		expect(r.orders[2]!.creditFen).toBe(0);
	});
});
