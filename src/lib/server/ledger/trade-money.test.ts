import { describe, expect, it } from 'vitest';
import { openEscrow, releaseAll } from '$lib/domain/trade/escrow';
import { tradeKey, tradeTransactionOf, type TradeMoneyInput } from './trade-money';

const ORDER = '00000000-0000-4000-8000-000000000001';
const LINE = '00000000-0000-4000-8000-000000000002';
const LOT = '00000000-0000-4000-8000-000000000003';
const SUPPLIER = '00000000-0000-4000-8000-000000000004';
const BUYER = '00000000-0000-4000-8000-000000000005';

const opened = openEscrow({ orderId: ORDER, supplierOrgId: SUPPLIER, feeBp: 300 }, [
	{ itemId: LINE, lotId: LOT, kind: 'goods', amountFen: 10_000, creditFen: 0 },
	{ itemId: `${ORDER}:freight`, lotId: null, kind: 'freight', amountFen: 1_600, creditFen: 0 }
]);

const event = (over: Partial<TradeMoneyInput> = {}): TradeMoneyInput => ({
	kind: 'trade_payment',
	key: `pay:${ORDER}`,
	at: new Date('2026-10-02T03:00:00Z'),
	orderId: ORDER,
	buyerOrgId: BUYER,
	supplierId: SUPPLIER,
	postings: opened.payment,
	...over
});

describe('tradeTransactionOf', () => {
	it('names every escrow entry’s item: the line, or the order id for the freight', () => {
		const t = tradeTransactionOf(event());
		expect(t.key).toBe(tradeKey(`pay:${ORDER}`));
		expect(t).toMatchObject({ kind: 'trade_payment', orderId: ORDER, orgId: SUPPLIER });
		const escrow = t.postings.filter((p) => p.account.kind === 'escrow');
		expect(escrow.map((p) => p.line)).toEqual([
			{ saleLineId: LINE, lotId: LOT },
			{ saleLineId: ORDER, lotId: null }
		]);
		// cash has no item
		expect(t.postings.find((p) => p.account.kind === 'cash')!.line).toBeUndefined();
		expect(t.postings.reduce((s, p) => s + p.amountFen, 0)).toBe(0);
	});

	it('refuses a posting to another supplier than the event’s', () => {
		const r = releaseAll(opened.book);
		expect(() =>
			tradeTransactionOf(event({ kind: 'trade_release', supplierId: BUYER, postings: r.postings }))
		).toThrow(/supplier_payable/);
	});

	it('refuses a receivable of another buyer, and unknown kinds', () => {
		const postings = [
			{ account: { kind: 'buyer_receivable' as const, orgId: SUPPLIER }, amountFen: 5 },
			{ account: { kind: 'cash' as const, orgId: null }, amountFen: -5 }
		];
		expect(() => tradeTransactionOf(event({ kind: 'invoice', postings }))).toThrow(
			/buyer_receivable/
		);
		expect(() => tradeTransactionOf(event({ kind: 'payout' as unknown as 'invoice' }))).toThrow(
			/unknown kind/
		);
	});
});
