import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	accountSum,
	EscrowError,
	escrowTotals,
	heldFen,
	openEscrow,
	refundAll,
	refundItem,
	releaseAll,
	releaseItems,
	samplePaymentPostings,
	sampleRefundPostings,
	sampleReleasePostings,
	tradeTransaction,
	type EscrowBook,
	type TradePosting
} from './escrow';

const sum = (ps: readonly TradePosting[]) => ps.reduce((s, p) => s + p.amountFen, 0);

const ORDER = { orderId: 'o1', supplierOrgId: 'sup', feeBp: 300 };
const ITEMS = [
	{ itemId: 'l1', lotId: 'a', kind: 'goods' as const, amountFen: 1_590_000, creditFen: 15_000 },
	{ itemId: 'l2', lotId: 'b', kind: 'goods' as const, amountFen: 59_940, creditFen: 0 },
	{ itemId: 'o1:freight', lotId: null, kind: 'freight' as const, amountFen: 160_000, creditFen: 0 }
];

describe('escrow postings', () => {
	it('pays into escrow per line and credits the sample fee from the supplier', () => {
		const { payment, credit, book } = openEscrow(ORDER, ITEMS);
		expect(payment).toEqual([
			{ account: { kind: 'cash', orgId: null }, amountFen: 1_794_940 },
			{
				account: { kind: 'escrow', orgId: null },
				amountFen: -1_575_000,
				line: { saleLineId: 'l1', lotId: 'a' }
			},
			{
				account: { kind: 'escrow', orgId: null },
				amountFen: -59_940,
				line: { saleLineId: 'l2', lotId: 'b' }
			},
			{ account: { kind: 'escrow', orgId: null }, amountFen: -160_000 }
		]);
		expect(credit).toEqual([
			{ account: { kind: 'supplier_payable', orgId: 'sup' }, amountFen: 15_000 },
			{
				account: { kind: 'escrow', orgId: null },
				amountFen: -15_000,
				line: { saleLineId: 'l1', lotId: 'a' }
			}
		]);
		expect(escrowTotals(book)).toMatchObject({
			paidFen: 1_809_940,
			cashFen: 1_794_940,
			creditFen: 15_000,
			heldFen: 1_809_940
		});
	});

	it('releases to the supplier less 3% on goods, nothing on freight', () => {
		const { book } = openEscrow(ORDER, ITEMS);
		const r = releaseAll(book);
		expect(sum(r.postings)).toBe(0);
		// 1_590_000 × 3% = 47_700; 59_940 × 3% = 1798.2 → 1798.
		expect(r.feeFen).toBe(47_700 + 1798);
		expect(accountSum(r.postings, 'platform_revenue')).toBe(-(47_700 + 1798));
		expect(accountSum(r.postings, 'supplier_payable', 'sup')).toBe(-(1_809_940 - 49_498));
		expect(accountSum(r.postings, 'escrow')).toBe(1_809_940);
		expect(escrowTotals(r.book).heldFen).toBe(0);
		expect(() => releaseAll(r.book)).toThrow(EscrowError);
	});

	it('refunds cash first and the credited part last, back to the supplier', () => {
		const { book } = openEscrow(ORDER, ITEMS);
		// l1: cash 1_575_000, credit 15_000.
		const a = refundItem(book, 'l1', 1_570_000);
		expect(accountSum(a.postings, 'cash')).toBe(-1_570_000);
		expect(accountSum(a.postings, 'supplier_payable', 'sup')).toBe(0);
		const b = refundItem(a.book, 'l1', 10_000);
		expect(accountSum(b.postings, 'cash')).toBe(-5_000);
		expect(accountSum(b.postings, 'supplier_payable', 'sup')).toBe(-5_000);
		expect(heldFen(b.book.items[0]!)).toBe(10_000);
		expect(() => refundItem(b.book, 'l1', 10_001)).toThrow(/refund_too_large/);
		expect(() => refundItem(b.book, 'l1', 0)).toThrow(EscrowError);
		expect(() => refundItem(b.book, 'nope', 1)).toThrow(RangeError);
	});

	it('refunds everything on a cancelled order in one balanced transaction', () => {
		const { book } = openEscrow(ORDER, ITEMS);
		const r = refundAll(book);
		expect(sum(r.postings)).toBe(0);
		expect(accountSum(r.postings, 'cash')).toBe(-1_794_940);
		expect(accountSum(r.postings, 'supplier_payable', 'sup')).toBe(-15_000);
		expect(escrowTotals(r.book)).toMatchObject({
			heldFen: 0,
			refundedFen: 1_809_940,
			releasedFen: 0
		});
	});

	it('releases undisputed lines while a disputed one stays frozen', () => {
		const { book } = openEscrow(ORDER, ITEMS);
		const r = releaseItems(book, ['l2', 'o1:freight']);
		expect(escrowTotals(r.book).heldFen).toBe(1_590_000);
		const partial = refundItem(r.book, 'l1', 300_000);
		const rest = releaseItems(partial.book, ['l1']);
		expect(rest.feeFen).toBe(Math.floor((1_290_000 * 300 + 5000) / 10000));
		const t = escrowTotals(rest.book);
		expect(t.releasedFen + t.refundedFen).toBe(t.paidFen);
	});

	it('refuses bad items and unbalanced sets', () => {
		expect(() => openEscrow(ORDER, [{ ...ITEMS[0]!, creditFen: 2_000_000 }])).toThrow(RangeError);
		expect(() => openEscrow(ORDER, [{ ...ITEMS[2]!, creditFen: 1 }])).toThrow(RangeError);
		expect(() => openEscrow(ORDER, [ITEMS[0]!, ITEMS[0]!])).toThrow(RangeError);
		expect(() => openEscrow({ ...ORDER, feeBp: 10001 }, ITEMS)).toThrow(RangeError);
		expect(() => openEscrow(ORDER, [{ ...ITEMS[1]!, amountFen: 1.5 }])).toThrow(RangeError);
		expect(() =>
			tradeTransaction([{ account: { kind: 'cash', orgId: null }, amountFen: 1 }])
		).toThrow(/unbalanced/);
	});

	it('samples: fee into escrow, whole fee to the supplier, or back to the buyer', () => {
		const s = { sampleId: 'smp', lotId: 'a' };
		for (const ps of [
			samplePaymentPostings(s, 15_000),
			sampleReleasePostings(s, 'sup', 15_000),
			sampleRefundPostings(s, 15_000)
		])
			expect(sum(ps)).toBe(0);
		expect(accountSum(sampleReleasePostings(s, 'sup', 15_000), 'supplier_payable', 'sup')).toBe(
			-15_000
		);
		// Sample fee released, then credited on the bulk order: the supplier nets zero for it.
		const { credit } = openEscrow(ORDER, ITEMS);
		expect(
			accountSum([...sampleReleasePostings(s, 'sup', 15_000), ...credit], 'supplier_payable', 'sup')
		).toBe(0);
	});
});

describe('escrow invariants', () => {
	type Op = { kind: 'refund'; item: number; share: number } | { kind: 'release'; item: number };

	it('property: every transaction balances and released + refunded = paid at the end', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						amount: fc.integer({ min: 1, max: 5_000_000 }),
						creditShare: fc.integer({ min: 0, max: 100 }),
						freight: fc.boolean()
					}),
					{ minLength: 1, maxLength: 6 }
				),
				fc.integer({ min: 0, max: 3000 }),
				fc.array(
					fc.oneof(
						fc.record({
							kind: fc.constant('refund' as const),
							item: fc.nat(5),
							share: fc.integer({ min: 1, max: 100 })
						}),
						fc.record({ kind: fc.constant('release' as const), item: fc.nat(5) })
					) as fc.Arbitrary<Op>,
					{ maxLength: 20 }
				),
				(specs, feeBp, ops) => {
					const items = specs.map((s, i) => ({
						itemId: `i${i}`,
						lotId: s.freight ? null : `lot${i}`,
						kind: s.freight ? ('freight' as const) : ('goods' as const),
						amountFen: s.amount,
						creditFen: s.freight ? 0 : Math.floor((s.amount * s.creditShare) / 100)
					}));
					const opened = openEscrow({ orderId: 'o', supplierOrgId: 'sup', feeBp }, items);
					const all: TradePosting[] = [...opened.payment, ...opened.credit];
					expect(sum(opened.payment)).toBe(0);
					expect(sum(opened.credit)).toBe(0);
					let book: EscrowBook = opened.book;
					for (const op of ops) {
						const it = book.items[op.item % book.items.length]!;
						const held = heldFen(it);
						if (held === 0) continue;
						const r =
							op.kind === 'refund'
								? refundItem(book, it.itemId, Math.max(1, Math.floor((held * op.share) / 100)))
								: releaseItems(book, [it.itemId]);
						expect(sum(r.postings)).toBe(0);
						all.push(...r.postings);
						book = r.book;
					}
					if (escrowTotals(book).heldFen > 0) {
						const r = releaseAll(book);
						expect(sum(r.postings)).toBe(0);
						all.push(...r.postings);
						book = r.book;
					}
					const t = escrowTotals(book);
					expect(t.releasedFen + t.refundedFen).toBe(t.paidFen);
					expect(t.heldFen).toBe(0);
					// The ledger agrees with the book: escrow nets to zero, cash in − cash out is what
					// the supplier and the platform keep.
					expect(accountSum(all, 'escrow')).toBe(0);
					expect(0 - accountSum(all, 'platform_revenue')).toBe(t.feeFen);
					expect(accountSum(all, 'cash')).toBe(
						0 - (accountSum(all, 'supplier_payable', 'sup') + accountSum(all, 'platform_revenue'))
					);
					for (const i of book.items) {
						expect(i.refundedCashFen).toBeLessThanOrEqual(i.amountFen - i.creditFen);
						expect(i.refundedCreditFen).toBeLessThanOrEqual(i.creditFen);
					}
				}
			),
			{ seed: 7, numRuns: 300 }
		);
	});
});
