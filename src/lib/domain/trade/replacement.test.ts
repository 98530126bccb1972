import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escrowTotals, heldFen, openEscrow, refundItem, releaseAmounts } from './escrow';
import { HOUR_MS } from './policy';
import {
	nextReplacement,
	replacementDueAt,
	replacementFreightFen,
	replacementHolds,
	replacementShares,
	severePieces,
	shareOf
} from './replacement';

const T0 = new Date('2026-05-01T00:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * HOUR_MS);

describe('replacement rules', () => {
	it('holds the pieces’ value per line, half up, never more than the line', () => {
		const lines = [
			{ lineId: 'a', quantity: 10, lineFen: 10_000 },
			{ lineId: 'b', quantity: 3, lineFen: 1_000 }
		];
		expect(
			replacementHolds(lines, [
				{ lineId: 'a', pieces: 3 },
				{ lineId: 'b', pieces: 1 },
				{ lineId: 'b', pieces: 0 }
			])
		).toEqual([
			{ lineId: 'a', quantity: 3, heldFen: 3_000 },
			{ lineId: 'b', quantity: 1, heldFen: 333 }
		]);
		expect(replacementHolds(lines, [{ lineId: 'b', pieces: 9 }])).toEqual([
			{ lineId: 'b', quantity: 3, heldFen: 1_000 }
		]);
		expect(() => replacementHolds(lines, [{ lineId: 'x', pieces: 1 }])).toThrow(RangeError);
		expect(shareOf(1_000, 2, 3)).toBe(667);
	});

	it('counts severe pieces per line', () => {
		expect(
			severePieces([
				{ lineId: 'a', result: 'severe' },
				{ lineId: 'a', result: 'minor' },
				{ lineId: 'b', result: 'severe' },
				{ lineId: 'a', result: 'severe' }
			])
		).toEqual([
			{ lineId: 'a', pieces: 2 },
			{ lineId: 'b', pieces: 1 }
		]);
	});

	it('charges the supplier the order’s freight quote per piece', () => {
		expect(replacementFreightFen({ freightFen: 30_000, pieces: 30 }, 3)).toBe(3_000);
		expect(replacementFreightFen({ freightFen: 1_000, pieces: 3 }, 1)).toBe(333);
		expect(replacementFreightFen({ freightFen: 0, pieces: 3 }, 1)).toBe(0);
		expect(replacementFreightFen({ freightFen: 1_000, pieces: 3 }, 9)).toBe(1_000);
	});

	it('is due after the policy hours; ships before, is missed from the deadline on, exactly', () => {
		const dueAt = replacementDueAt(at(0));
		expect(dueAt).toEqual(at(24));
		const due = { state: 'due' as const, dueAt };
		expect(nextReplacement(due, 'ship', new Date(dueAt.getTime() - 1))).toEqual({
			ok: true,
			to: 'shipped'
		});
		expect(nextReplacement(due, 'ship', dueAt)).toEqual({ ok: false, reason: 'deadline_passed' });
		expect(nextReplacement(due, 'timeout', new Date(dueAt.getTime() - 1))).toEqual({
			ok: false,
			reason: 'too_early'
		});
		expect(nextReplacement(due, 'timeout', dueAt)).toEqual({ ok: true, to: 'missed' });
		for (const state of ['shipped', 'missed'] as const) {
			expect(nextReplacement({ state, dueAt }, 'ship', at(1))).toEqual({
				ok: false,
				reason: 'illegal'
			});
			expect(nextReplacement({ state, dueAt }, 'timeout', at(99))).toEqual({
				ok: false,
				reason: 'illegal'
			});
		}
	});

	it('property: the rest released, then the hold released or refunded, settles every line exactly', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						quantity: fc.integer({ min: 1, max: 500 }),
						unit: fc.integer({ min: 1, max: 50_000 }),
						pieces: fc.integer({ min: 0, max: 500 })
					}),
					{ minLength: 1, maxLength: 4 }
				),
				fc.boolean(),
				fc.integer({ min: 0, max: 10_000 }),
				(ls, shipped, feeBp) => {
					const lines = ls.map((l, i) => ({
						lineId: `l${i}`,
						quantity: l.quantity,
						lineFen: l.quantity * l.unit
					}));
					const holds = replacementHolds(
						lines,
						ls.map((l, i) => ({ lineId: `l${i}`, pieces: l.pieces }))
					);
					const shares = replacementShares(holds);
					const { book } = openEscrow(
						{ orderId: 'o', supplierOrgId: 's', feeBp },
						lines.map((l) => ({
							itemId: l.lineId,
							lotId: 'lot',
							kind: 'goods' as const,
							amountFen: l.lineFen,
							creditFen: 0
						}))
					);
					const rest = lines
						.map((l) => ({ itemId: l.lineId, amountFen: l.lineFen - (shares.get(l.lineId) ?? 0) }))
						.filter((x) => x.amountFen > 0);
					let b = rest.length ? releaseAmounts(book, rest).book : book;
					for (const h of holds) {
						expect(heldFen(b.items.find((i) => i.itemId === h.lineId)!)).toBe(h.heldFen);
					}
					const parts = holds.filter((h) => h.heldFen > 0);
					if (shipped) {
						if (parts.length)
							b = releaseAmounts(
								b,
								parts.map((h) => ({ itemId: h.lineId, amountFen: h.heldFen }))
							).book;
					} else {
						for (const h of parts) b = refundItem(b, h.lineId, h.heldFen).book;
					}
					const t = escrowTotals(b);
					expect(t.heldFen).toBe(0);
					expect(t.releasedFen + t.refundedFen).toBe(t.paidFen);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('releaseAmounts refuses more than an item holds', () => {
		const { book } = openEscrow({ orderId: 'o', supplierOrgId: 's', feeBp: 300 }, [
			{ itemId: 'a', lotId: 'lot', kind: 'goods', amountFen: 100, creditFen: 0 }
		]);
		expect(() => releaseAmounts(book, [{ itemId: 'a', amountFen: 101 }])).toThrow();
		expect(() => releaseAmounts(book, [{ itemId: 'a', amountFen: 0 }])).toThrow();
		const r = releaseAmounts(book, [{ itemId: 'a', amountFen: 40 }]);
		expect(r.feeFen).toBe(1);
		expect(heldFen(r.book.items[0]!)).toBe(60);
	});
});
