import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	allocateRefund,
	canFile,
	checkClaim,
	disputeDeadline,
	disputeDue,
	nextDispute,
	openDispute,
	rulingOverdue,
	type Dispute,
	type DisputeAction,
	type DisputeActor
} from './dispute';
import {
	escrowTotals,
	heldFen,
	openEscrow,
	refundItem,
	releaseItems,
	type EscrowBook
} from './escrow';
import { HOUR_MS } from './policy';

const T0 = new Date('2026-05-01T00:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * HOUR_MS);

const LINES = [
	{ lineId: 'l1', quantity: 500, heldFen: 1_550_000 },
	{ lineId: 'l2', quantity: 60, heldFen: 59_940 }
];

describe('filing and the manifest', () => {
	it('files only within 48 hours of arrival', () => {
		expect(canFile(null, at(0))).toMatchObject({ ok: false, reason: 'not_arrived' });
		expect(canFile(at(0), at(47.99))).toEqual({ ok: true, closesAt: at(48) });
		expect(canFile(at(0), at(48))).toMatchObject({ ok: false, reason: 'window_closed' });
	});

	it('freezes the disputed lines and estimates the loss', () => {
		const r = checkClaim(LINES, {
			lines: [{ lineId: 'l1', quantity: 50, problem: 'defect_over_allowance', lossBp: 5000 }],
			remedy: 'partial_refund'
		});
		// 50 of 500 pieces → ¥1550 of ¥15500; half of that lost → ¥775.
		expect(r).toEqual({
			ok: true,
			remedy: 'partial_refund',
			frozenFen: 1_550_000,
			askedRefundFen: 77_500,
			estimateFen: 77_500,
			lineIds: ['l1']
		});
		const ret = checkClaim(LINES, {
			lines: [
				{ lineId: 'l1', quantity: 50, problem: 'not_as_sample', lossBp: 10000 },
				{ lineId: 'l2', quantity: 7, problem: 'damaged', lossBp: 0 }
			],
			remedy: 'return_and_refund'
		});
		// l2: 59_940 × 7/60 = 6993.
		expect(ret).toMatchObject({ ok: true, frozenFen: 1_609_940, askedRefundFen: 155_000 + 6993 });
		expect(
			checkClaim(LINES, {
				lines: [{ lineId: 'l2', quantity: 1, problem: 'short', lossBp: 0 }],
				remedy: 'exchange'
			})
		).toMatchObject({
			askedRefundFen: 0
		});
	});

	it('refuses bad manifests naming the field (loss over 100% included)', () => {
		const r = checkClaim(LINES, {
			lines: [
				{ lineId: 'l1', quantity: 501, problem: 'short', lossBp: 10001 },
				{ lineId: 'l1', quantity: 1, problem: 'short', lossBp: 0 },
				{ lineId: 'zz', quantity: 1, problem: 'short', lossBp: 0 },
				{ lineId: 'l2', quantity: 1, problem: 'ugly' as never, lossBp: 0 }
			],
			remedy: 'partial_refund',
			refundFen: 99_999_999
		});
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
			'lines.0.quantity:quantity',
			'lines.0.lossBp:loss',
			'lines.1.lineId:duplicate_line',
			'lines.2.lineId:unknown_line',
			'lines.3.problem:problem',
			'refundFen:refund'
		]);
		expect(checkClaim(LINES, { lines: [], remedy: 'exchange' })).toMatchObject({ ok: false });
		expect(
			checkClaim(LINES, {
				lines: [{ lineId: 'l1', quantity: 1, problem: 'short', lossBp: 0 }],
				remedy: 'cash' as never
			})
		).toMatchObject({
			ok: false
		});
	});
});

describe('dispute transitions', () => {
	const open = (remedy: 'partial_refund' | 'return_and_refund' | 'exchange' = 'partial_refund') =>
		openDispute(
			{ remedy, frozenFen: 100_000, askedRefundFen: remedy === 'exchange' ? 0 : 30_000 },
			at(0)
		);
	const step = (d: Dispute, a: DisputeAction, actor: DisputeActor, h: number) => {
		const r = nextDispute(d, a, actor, at(h));
		if (!r.ok) throw new Error(`${a.type}: ${r.reason}`);
		return r.dispute;
	};

	it("no answer in 48 hours grants the buyer's remedy", () => {
		const d = open();
		expect(disputeDeadline(d)).toEqual(at(48));
		expect(nextDispute(d, { type: 'timeout' }, 'system', at(47))).toEqual({
			ok: false,
			reason: 'too_early'
		});
		expect(nextDispute(d, { type: 'accept' }, 'supplier', at(48))).toEqual({
			ok: false,
			reason: 'deadline_passed'
		});
		const done = step(d, { type: 'timeout' }, 'system', 48);
		expect(done.outcome).toEqual({
			kind: 'partial_refund',
			refundFen: 30_000,
			releaseFen: 70_000,
			by: 'default',
			replacementDueAt: null
		});
		expect(nextDispute(done, { type: 'escalate' }, 'buyer', at(49))).toEqual({
			ok: false,
			reason: 'illegal'
		});
	});

	it('counter-offer accepted by the buyer, or standing when the buyer does not reply', () => {
		const c = step(open(), { type: 'counter', refundFen: 10_000 }, 'supplier', 5);
		expect(disputeDeadline(c)).toEqual(at(53));
		expect(step(c, { type: 'accept_counter' }, 'buyer', 6).outcome).toMatchObject({
			refundFen: 10_000,
			by: 'agreement'
		});
		expect(step(c, { type: 'timeout' }, 'system', 53).outcome).toMatchObject({
			refundFen: 10_000,
			by: 'default'
		});
		expect(nextDispute(open(), { type: 'counter', refundFen: 100_001 }, 'supplier', at(1))).toEqual(
			{ ok: false, reason: 'bad_amount' }
		);
		expect(nextDispute(c, { type: 'accept_counter' }, 'supplier', at(6))).toEqual({
			ok: false,
			reason: 'wrong_actor'
		});
	});

	it('rejection: the buyer escalates, the operator rules; silence releases to the supplier', () => {
		const r = step(open(), { type: 'reject' }, 'supplier', 1);
		expect(step(r, { type: 'timeout' }, 'system', 49).outcome).toMatchObject({
			kind: 'release',
			refundFen: 0,
			releaseFen: 100_000
		});
		const e = step(r, { type: 'escalate' }, 'buyer', 2);
		expect(disputeDue(e, at(1000))).toBe(false);
		expect(rulingOverdue(e, at(49))).toBe(false);
		expect(rulingOverdue(e, at(50))).toBe(true);
		expect(
			nextDispute(
				e,
				{ type: 'rule', ruling: { kind: 'partial_refund', refundFen: 0 } },
				'operator',
				at(3)
			)
		).toEqual({
			ok: false,
			reason: 'bad_amount'
		});
		const ruled = step(
			e,
			{ type: 'rule', ruling: { kind: 'partial_refund', refundFen: 25_000 } },
			'operator',
			60
		);
		expect(ruled.outcome).toMatchObject({ refundFen: 25_000, releaseFen: 75_000, by: 'operator' });
	});

	it('a return refunds when the goods are back, or when assumed received; release if never sent', () => {
		const ret = step(open('return_and_refund'), { type: 'accept' }, 'supplier', 1);
		expect(ret.state).toBe('returning');
		expect(ret.outcome).toBeNull();
		expect(disputeDeadline(ret)).toEqual(at(1 + 72));
		const shipped = step(ret, { type: 'ship_back' }, 'buyer', 10);
		expect(disputeDeadline(shipped)).toEqual(at(10 + 168));
		expect(step(shipped, { type: 'confirm_return' }, 'supplier', 20).outcome).toMatchObject({
			kind: 'return_and_refund',
			refundFen: 30_000
		});
		expect(step(shipped, { type: 'timeout' }, 'system', 178).outcome).toMatchObject({
			refundFen: 30_000
		});
		expect(step(ret, { type: 'timeout' }, 'system', 73).outcome).toMatchObject({
			kind: 'release',
			refundFen: 0
		});
		expect(nextDispute(ret, { type: 'confirm_return' }, 'supplier', at(2))).toEqual({
			ok: false,
			reason: 'illegal'
		});
	});

	it('exchange: no refund, a replacement due in 24 hours', () => {
		const x = step(open('exchange'), { type: 'accept' }, 'supplier', 2);
		expect(x.outcome).toEqual({
			kind: 'exchange',
			refundFen: 0,
			releaseFen: 100_000,
			by: 'agreement',
			replacementDueAt: at(26)
		});
	});
});

describe('refund allocation', () => {
	it('splits in proportion, exactly, ties to the earlier line', () => {
		expect(
			allocateRefund(
				[
					{ lineId: 'a', heldFen: 1 },
					{ lineId: 'b', heldFen: 1 }
				],
				1
			)
		).toEqual([
			{ lineId: 'a', refundFen: 1 },
			{ lineId: 'b', refundFen: 0 }
		]);
		expect(
			allocateRefund(
				[
					{ lineId: 'a', heldFen: 300 },
					{ lineId: 'b', heldFen: 100 }
				],
				100
			)
		).toEqual([
			{ lineId: 'a', refundFen: 75 },
			{ lineId: 'b', refundFen: 25 }
		]);
		expect(() => allocateRefund([{ lineId: 'a', heldFen: 1 }], 2)).toThrow(RangeError);
	});
});

describe('property: random disputes on an escrowed order', () => {
	const actionArb: fc.Arbitrary<{ a: DisputeAction; actor: DisputeActor }> = fc.oneof(
		fc.constant({ a: { type: 'accept' } as DisputeAction, actor: 'supplier' as DisputeActor }),
		fc.integer({ min: 0, max: 2_000_000 }).map((n) => ({
			a: { type: 'counter', refundFen: n } as DisputeAction,
			actor: 'supplier' as DisputeActor
		})),
		fc.constant({ a: { type: 'reject' } as DisputeAction, actor: 'supplier' as DisputeActor }),
		fc.constant({ a: { type: 'accept_counter' } as DisputeAction, actor: 'buyer' as DisputeActor }),
		fc
			.constantFrom<DisputeActor>('buyer', 'supplier')
			.map((actor) => ({ a: { type: 'escalate' } as DisputeAction, actor })),
		fc.constant({ a: { type: 'withdraw' } as DisputeAction, actor: 'buyer' as DisputeActor }),
		fc
			.oneof(
				fc.constant({ kind: 'release' as const }),
				fc
					.integer({ min: 0, max: 2_000_000 })
					.map((n) => ({ kind: 'partial_refund' as const, refundFen: n })),
				fc
					.integer({ min: 0, max: 2_000_000 })
					.map((n) => ({ kind: 'return_and_refund' as const, refundFen: n })),
				fc.constant({ kind: 'exchange' as const })
			)
			.map((ruling) => ({
				a: { type: 'rule', ruling } as DisputeAction,
				actor: 'operator' as DisputeActor
			})),
		fc.constant({ a: { type: 'ship_back' } as DisputeAction, actor: 'buyer' as DisputeActor }),
		fc
			.constantFrom<DisputeActor>('supplier', 'operator')
			.map((actor) => ({ a: { type: 'confirm_return' } as DisputeAction, actor })),
		// Anyone trying anything: wrong actors must be refused.
		fc
			.constantFrom<DisputeActor>('buyer', 'supplier', 'operator', 'system')
			.map((actor) => ({ a: { type: 'accept' } as DisputeAction, actor }))
	);

	it('escrow balances, released + refunded = paid, one outcome, no deadline skipped', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 100, max: 1_000_000 }), { minLength: 1, maxLength: 4 }),
				fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
				fc.constantFrom(
					'partial_refund' as const,
					'return_and_refund' as const,
					'exchange' as const
				),
				fc.array(
					fc.oneof(
						actionArb.map((x) => ({ kind: 'act' as const, ...x })),
						fc.integer({ min: 1, max: 100 }).map((h) => ({ kind: 'tick' as const, h }))
					),
					{
						maxLength: 40
					}
				),
				(amounts, disputedFlags, remedy, steps) => {
					const items = amounts.map((a, i) => ({
						itemId: `l${i}`,
						lotId: `lot${i}`,
						kind: 'goods' as const,
						amountFen: a,
						creditFen: 0
					}));
					const opened = openEscrow({ orderId: 'o', supplierOrgId: 's', feeBp: 300 }, items);
					let book: EscrowBook = opened.book;
					const disputed = items.filter((_, i) => disputedFlags[i] || i === 0).map((i) => i.itemId);
					const lines = disputed.map((id) => ({
						lineId: id,
						quantity: 10,
						heldFen: heldFen(book.items.find((x) => x.itemId === id)!)
					}));
					const claim = checkClaim(lines, {
						lines: disputed.map((id) => ({
							lineId: id,
							quantity: 5,
							problem: 'damaged' as const,
							lossBp: 5000
						})),
						remedy
					});
					if (!claim.ok) throw new Error(JSON.stringify(claim.errors));
					// Undisputed lines release as usual.
					const free = items.map((i) => i.itemId).filter((id) => !disputed.includes(id));
					if (free.length > 0) book = releaseItems(book, free).book;
					let now = at(0);
					let d = openDispute(claim, now);
					let outcomes = 0;
					const runJob = () => {
						while (disputeDue(d, now)) {
							const deadline = disputeDeadline(d)!;
							expect(deadline.getTime()).toBeLessThanOrEqual(now.getTime());
							const r = nextDispute(d, { type: 'timeout' }, 'system', now);
							expect(r.ok).toBe(true);
							if (r.ok) d = r.dispute;
						}
					};
					for (const s of steps) {
						const before = d.outcome;
						if (s.kind === 'tick') now = new Date(now.getTime() + s.h * HOUR_MS);
						else {
							const r = nextDispute(d, s.a, s.actor, now);
							if (r.ok) d = r.dispute;
						}
						runJob();
						if (before) expect(d.outcome).toBe(before); // an outcome never changes
						if (!before && d.outcome) outcomes++;
						// No automatic deadline is left behind after the job.
						if (d.state !== 'closed' && d.state !== 'escalated') {
							expect(now.getTime()).toBeLessThan(disputeDeadline(d)!.getTime());
						}
					}
					// The operator eventually rules an escalation; time passes until the end.
					const hadOutcome = d.outcome !== null;
					if (d.state === 'escalated') {
						const r = nextDispute(
							d,
							{ type: 'rule', ruling: { kind: 'release' } },
							'operator',
							now
						);
						if (r.ok) d = r.dispute;
					}
					for (let i = 0; i < 10 && d.state !== 'closed'; i++) {
						now = new Date(now.getTime() + 200 * HOUR_MS);
						runJob();
					}
					if (!d.outcome) throw new Error(`dispute not closed: ${d.state}`);
					if (!hadOutcome) outcomes++;
					expect(outcomes).toBe(1);
					expect(d.state).toBe('closed');
					const o = d.outcome;
					expect(o.refundFen + o.releaseFen).toBe(claim.frozenFen);
					expect(o.refundFen).toBeGreaterThanOrEqual(0);
					// Apply the outcome to the frozen lines' escrow.
					for (const part of allocateRefund(lines, o.refundFen)) {
						if (part.refundFen > 0) book = refundItem(book, part.lineId, part.refundFen).book;
					}
					const rest = disputed.filter(
						(id) => heldFen(book.items.find((x) => x.itemId === id)!) > 0
					);
					if (rest.length > 0) book = releaseItems(book, rest).book;
					const t = escrowTotals(book);
					expect(t.heldFen).toBe(0);
					expect(t.releasedFen + t.refundedFen).toBe(t.paidFen);
					expect(t.refundedFen).toBe(o.refundFen);
				}
			),
			{ seed: 2020, numRuns: 300 }
		);
	});
});
