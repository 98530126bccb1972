import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	checklistMismatch,
	drawInspection,
	judgeDelivery,
	judgeLine,
	sampleSize
} from './inspection';
import { DEFAULT_TRADE_POLICY } from './policy';

const lines = [
	{ lineId: 'l1', lotId: 'a', quantity: 500, piecesPerCarton: 50 },
	{ lineId: 'l2', lotId: 'b', quantity: 1, piecesPerCarton: 20 },
	{ lineId: 'l3', lotId: 'c', quantity: 7, piecesPerCarton: 3 }
];

describe('sampling draw', () => {
	it('draws 30% rounded up, at least one piece per line', () => {
		expect(sampleSize(500)).toBe(150);
		expect(sampleSize(1)).toBe(1);
		expect(sampleSize(7)).toBe(3); // 2.1 → 3
		expect(sampleSize(10)).toBe(3);
		expect(
			sampleSize(3, {
				...DEFAULT_TRADE_POLICY,
				inspection: { ...DEFAULT_TRADE_POLICY.inspection, samplingBp: 10000 }
			})
		).toBe(3);
		expect(() => sampleSize(0)).toThrow(RangeError);
	});

	it('is the same for the same order id, and another for another order', () => {
		const a = drawInspection('0b8e5f5c-0000-4000-8000-000000000001', lines);
		const b = drawInspection('0b8e5f5c-0000-4000-8000-000000000001', [...lines]);
		const c = drawInspection('0b8e5f5c-0000-4000-8000-000000000002', lines);
		expect(a).toEqual(b);
		expect(a[0]!.cartons).not.toEqual(c[0]!.cartons);
		// A line's draw does not depend on the other lines.
		expect(drawInspection('0b8e5f5c-0000-4000-8000-000000000001', [lines[0]!])[0]).toEqual(a[0]);
	});

	it('names cartons and positions that exist, with the sample size in total', () => {
		const [l1, l2, l3] = drawInspection('order-x', lines);
		expect(l1!.cartonsTotal).toBe(10);
		expect(l1!.cartons.reduce((s, c) => s + c.positions.length, 0)).toBe(150);
		for (const c of l1!.cartons) {
			expect(c.carton).toBeGreaterThanOrEqual(1);
			expect(c.carton).toBeLessThanOrEqual(10);
			for (const p of c.positions) expect(p >= 1 && p <= 50).toBe(true);
		}
		expect(l2!.cartons).toEqual([{ carton: 1, positions: [1] }]);
		// 7 pieces in cartons of 3: the last carton holds one piece.
		for (const c of l3!.cartons) if (c.carton === 3) expect(c.positions).toEqual([1]);
	});

	it('property: every piece is equally likely over many orders', () => {
		const hits = new Array(20).fill(0);
		for (let i = 0; i < 4000; i++) {
			const [d] = drawInspection(`o${i}`, [
				{ lineId: 'l', lotId: 'a', quantity: 20, piecesPerCarton: 5 }
			]);
			for (const c of d!.cartons) for (const p of c.positions) hits[(c.carton - 1) * 5 + p - 1]++;
		}
		// 6 of 20 each time: expected 1200 per piece.
		for (const h of hits) expect(Math.abs(h - 1200)).toBeLessThan(150);
	});

	it('property: sample size and distinct pieces for any quantity and carton size', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.integer({ min: 1, max: 5000 }),
				fc.integer({ min: 1, max: 100 }),
				(id, q, per) => {
					const [d] = drawInspection(id, [
						{ lineId: 'l', lotId: 'a', quantity: q, piecesPerCarton: per }
					]);
					const pieces = d!.cartons.flatMap((c) =>
						c.positions.map((p) => (c.carton - 1) * per + p - 1)
					);
					expect(pieces.length).toBe(sampleSize(q));
					expect(new Set(pieces).size).toBe(pieces.length);
					for (const p of pieces) expect(p >= 0 && p < q).toBe(true);
				}
			),
			{ seed: 30, numRuns: 100 }
		);
	});
});

describe('judging results', () => {
	const res = (pass: number, minor: number, severe: number) => [
		...Array<'pass'>(pass).fill('pass'),
		...Array<'minor'>(minor).fill('minor'),
		...Array<'severe'>(severe).fill('severe')
	];

	it('compares the defect rate with the grade allowance exactly', () => {
		// Grade A allows 3% defects, 1% severe: 3 of 100 is within, 4 is not.
		expect(judgeLine({ lineId: 'l', grade: 'A', results: res(97, 3, 0) }).withinAllowance).toBe(
			true
		);
		expect(judgeLine({ lineId: 'l', grade: 'A', results: res(96, 4, 0) })).toMatchObject({
			withinAllowance: false,
			exceeded: ['defect'],
			defectBp: 400
		});
		expect(judgeLine({ lineId: 'l', grade: 'A', results: res(98, 0, 2) }).exceeded).toEqual([
			'severe'
		]);
		// The same minor defects are the grade for B.
		expect(judgeLine({ lineId: 'l', grade: 'B', results: res(80, 20, 0) }).withinAllowance).toBe(
			true
		);
		expect(judgeLine({ lineId: 'l', grade: 'C', results: res(0, 100, 0) }).withinAllowance).toBe(
			true
		);
		expect(judgeLine({ lineId: 'l', grade: 'C', results: res(1, 2, 0) }).defectBp).toBe(6667);
	});

	it('applies the severe-defect rule over the whole delivery', () => {
		const at = new Date('2026-03-05T10:00:00Z');
		const two = judgeDelivery(
			[
				{ lineId: 'l1', grade: 'C', results: res(98, 0, 1) },
				{ lineId: 'l2', grade: 'C', results: res(98, 0, 1) }
			],
			at
		);
		expect(two.replacement).toBeNull();
		expect(two.clean).toBe(true);
		const three = judgeDelivery(
			[
				{ lineId: 'l1', grade: 'C', results: res(98, 0, 2) },
				{ lineId: 'l2', grade: 'C', results: res(99, 0, 1) }
			],
			at
		);
		expect(three.severePieces).toBe(3);
		expect(three.replacement).toEqual({
			dueAt: new Date('2026-03-06T10:00:00Z'),
			freightPaidBy: 'supplier'
		});
		expect(three.clean).toBe(false);
	});

	it('checks a submitted checklist against the draw', () => {
		const draw = drawInspection('o', [
			{ lineId: 'l1', lotId: 'a', quantity: 10, piecesPerCarton: 5 },
			{ lineId: 'l2', lotId: 'b', quantity: 2, piecesPerCarton: 5 }
		]);
		const ok = [
			{ lineId: 'l2', results: ['pass'] },
			{ lineId: 'l1', results: ['pass', 'minor', 'severe'] }
		];
		expect(checklistMismatch(draw, ok)).toBeNull();
		expect(checklistMismatch(draw, [ok[1]!])).toBe('lines.1');
		expect(checklistMismatch(draw, [ok[0]!, { lineId: 'l1', results: ['pass'] }])).toBe(
			'lines.1.results'
		);
		expect(
			checklistMismatch(draw, [ok[0]!, { lineId: 'l1', results: ['pass', 'ok', 'pass'] }])
		).toBe('lines.1.results');
		expect(checklistMismatch(draw, [...ok, { lineId: 'l3', results: [] }])).toBe('lines');
	});
});
