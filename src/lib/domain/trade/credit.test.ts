import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	aging,
	agingBucket,
	allocateRepayment,
	blockingInvoice,
	checkLimit,
	daysOverdue,
	exposureFen,
	invoiceDueAt,
	outstandingFen,
	parseUscc,
	reminderDue,
	repaymentPostings,
	termsAcceptancePostings,
	usccCheckChar,
	writeOffPostings,
	type OpenInvoice
} from './credit';
import { accountSum } from './escrow';
import { DAY_MS } from './policy';

const T0 = new Date('2026-06-01T00:00:00Z');
const day = (d: number) => new Date(T0.getTime() + d * DAY_MS);
const inv = (
	id: string,
	dueDay: number,
	amountFen: number,
	paidFen = 0,
	issuedDay = dueDay - 30
): OpenInvoice => ({
	invoiceId: id,
	issuedAt: day(issuedDay),
	dueAt: day(dueDay),
	amountFen,
	paidFen,
	writtenOffFen: 0
});

describe('unified social credit code', () => {
	it('accepts a well-known valid code and normalises it', () => {
		expect(parseUscc('91350100M000100Y43')).toBe('91350100M000100Y43');
		expect(parseUscc(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
	});

	it('refuses a wrong check character, a wrong length and letters outside the alphabet', () => {
		expect(parseUscc('91350100M000100Y44')).toBeNull();
		expect(parseUscc('91350100M000100Y4')).toBeNull();
		expect(parseUscc('91350100I000100Y43')).toBeNull();
		expect(usccCheckChar('9135010OM000100Y4')).toBeNull();
	});

	it('property: any single changed character is caught', () => {
		const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 17, maxLength: 17 }),
				fc.integer({ min: 0, max: 17 }),
				fc.integer({ min: 1, max: 30 }),
				(body, pos, shift) => {
					const first17 = body.map((i) => alphabet[i]).join('');
					const code = first17 + usccCheckChar(first17)!;
					expect(parseUscc(code)).toBe(code);
					const c = alphabet[(alphabet.indexOf(code[pos]!) + shift) % 31]!;
					expect(parseUscc(code.slice(0, pos) + c + code.slice(pos + 1))).toBeNull();
				}
			),
			{ seed: 32100, numRuns: 500 }
		);
	});
});

describe('limit, exposure, overdue', () => {
	const account = { limitFen: 20_000_000, approved: true };
	const order = (amountFen: number, pieces = 600) => ({ amountFen, pieces });

	it('exposure is open invoices plus orders in flight', () => {
		expect(
			exposureFen(
				[inv('a', 10, 5_000_000, 1_000_000), inv('b', 20, 2_000_000, 2_000_000)],
				3_000_000
			)
		).toBe(7_000_000);
	});

	it('refuses above the available amount and tells how much is available', () => {
		const invoices = [inv('a', 30, 10_000_000)];
		expect(checkLimit(account, invoices, 5_000_000, order(5_000_001), day(0))).toEqual({
			ok: false,
			code: 'credit_limit',
			availableFen: 5_000_000
		});
		expect(checkLimit(account, invoices, 5_000_000, order(5_000_000), day(0))).toEqual({
			ok: true,
			availableFen: 0,
			afterFen: 20_000_000,
			warn: true
		});
	});

	it('warns from 80% of the limit', () => {
		expect(checkLimit(account, [], 0, order(15_999_999), day(0))).toMatchObject({
			ok: true,
			warn: false
		});
		expect(checkLimit(account, [], 0, order(16_000_000), day(0))).toMatchObject({
			ok: true,
			warn: true
		});
	});

	it('blocks when an invoice is more than the grace days past due, until it is paid', () => {
		const late = inv('late', 0, 1_000_000);
		expect(checkLimit(account, [late], 0, order(100), day(3))).toMatchObject({ ok: true });
		expect(checkLimit(account, [late], 0, order(100), new Date(day(3).getTime() + 1))).toEqual({
			ok: false,
			code: 'credit_overdue',
			invoiceId: 'late',
			dueAt: day(0)
		});
		expect(checkLimit(account, [{ ...late, paidFen: 1_000_000 }], 0, order(100), day(10)).ok).toBe(
			true
		);
		expect(blockingInvoice([inv('b', -10, 5), inv('a', -20, 5)], day(0))?.invoiceId).toBe('a');
	});

	it('needs an approved limit and the B2B minimum', () => {
		expect(checkLimit(null, [], 0, order(1), day(0))).toEqual({ ok: false, code: 'credit_none' });
		expect(checkLimit({ limitFen: 1, approved: false }, [], 0, order(1), day(0))).toEqual({
			ok: false,
			code: 'credit_none'
		});
		expect(checkLimit(account, [], 0, order(1, 499), day(0))).toEqual({
			ok: false,
			code: 'credit_b2b_moq',
			minimum: 500
		});
	});

	it('property: checkouts admitted one after another never exceed the limit', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 10_000_000 }),
				fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 50 }),
				(limitFen, amounts) => {
					let inFlight = 0;
					for (const a of amounts) {
						const r = checkLimit({ limitFen, approved: true }, [], inFlight, order(a), day(0));
						if (r.ok) inFlight += a;
						else if (r.code === 'credit_limit') expect(r.availableFen).toBe(limitFen - inFlight);
					}
					expect(inFlight).toBeLessThanOrEqual(limitFen);
				}
			),
			{ seed: 21, numRuns: 200 }
		);
	});

	it('dates invoices from acceptance on the offered terms', () => {
		expect(invoiceDueAt(day(0), 45)).toEqual(day(45));
		expect(() => invoiceDueAt(day(0), 60)).toThrow(RangeError);
	});

	it('reminds before the due date and when overdue, once each, never when paid', () => {
		const i = inv('a', 10, 100);
		expect(reminderDue(i, day(6.9), { before: false, overdue: false })).toBeNull();
		expect(reminderDue(i, day(7), { before: false, overdue: false })).toBe('before');
		expect(reminderDue(i, day(8), { before: true, overdue: false })).toBeNull();
		expect(reminderDue(i, day(10.01), { before: true, overdue: false })).toBe('overdue');
		expect(reminderDue(i, day(11), { before: true, overdue: true })).toBeNull();
		expect(
			reminderDue({ ...i, paidFen: 100 }, day(11), { before: false, overdue: false })
		).toBeNull();
	});
});

describe('aging', () => {
	it('buckets by whole days overdue', () => {
		expect(daysOverdue(day(0), new Date(day(1).getTime() - 1))).toBe(0);
		expect(agingBucket(day(0), day(0.5))).toBe('current');
		expect(agingBucket(day(0), day(1))).toBe('d1_30');
		expect(agingBucket(day(0), day(30.9))).toBe('d1_30');
		expect(agingBucket(day(0), day(31))).toBe('d31_60');
		expect(agingBucket(day(0), day(60.9))).toBe('d31_60');
		expect(agingBucket(day(0), day(61))).toBe('d60_plus');
		expect(agingBucket(day(10), day(0))).toBe('current');
	});

	it('sums outstanding amounts per bucket', () => {
		expect(
			aging(
				[
					inv('a', 0, 100, 40),
					inv('b', -40, 200),
					inv('c', -100, 300),
					inv('d', 5, 50),
					inv('e', -100, 10, 10)
				],
				day(0.5)
			)
		).toEqual({
			current: 110,
			d1_30: 0,
			d31_60: 200,
			d60_plus: 300
		});
	});
});

describe('repayments', () => {
	it('pays the oldest invoice off first, partial on the next, returns the leftover', () => {
		const invoices = [inv('new', 40, 1000), inv('old', 10, 500, 100), inv('mid', 20, 300)];
		expect(allocateRepayment(invoices, 600)).toEqual({
			allocations: [
				{ invoiceId: 'old', amountFen: 400 },
				{ invoiceId: 'mid', amountFen: 200 }
			],
			leftoverFen: 0
		});
		expect(allocateRepayment(invoices, 2000).leftoverFen).toBe(300);
		expect(() => allocateRepayment(invoices, 0)).toThrow(RangeError);
	});

	it('property: allocations never exceed outstanding and sum to the amount less leftover', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						due: fc.integer({ min: -90, max: 90 }),
						amount: fc.integer({ min: 1, max: 1_000_000 }),
						paidShare: fc.integer({ min: 0, max: 100 })
					}),
					{ maxLength: 10 }
				),
				fc.integer({ min: 1, max: 5_000_000 }),
				(specs, amount) => {
					const invoices = specs.map((s, i) =>
						inv(`i${i}`, s.due, s.amount, Math.floor((s.amount * s.paidShare) / 100))
					);
					const r = allocateRepayment(invoices, amount);
					const total = r.allocations.reduce((s, a) => s + a.amountFen, 0);
					expect(total + r.leftoverFen).toBe(amount);
					const owed = invoices.reduce((s, i) => s + outstandingFen(i), 0);
					expect(r.leftoverFen).toBe(Math.max(0, amount - owed));
					for (const a of r.allocations) {
						const i = invoices.find((x) => x.invoiceId === a.invoiceId)!;
						expect(a.amountFen).toBeGreaterThan(0);
						expect(a.amountFen).toBeLessThanOrEqual(outstandingFen(i));
					}
					// Oldest first: every invoice due before a partly paid one is paid off.
					const partial = r.allocations.find(
						(a) => a.amountFen < outstandingFen(invoices.find((x) => x.invoiceId === a.invoiceId)!)
					);
					if (partial) expect(r.allocations[r.allocations.length - 1]).toBe(partial);
				}
			),
			{ seed: 4530, numRuns: 200 }
		);
	});
});

describe('receivable postings', () => {
	it('acceptance, repayment and write-off balance and clear the receivable', () => {
		const a = termsAcceptancePostings({
			buyerOrgId: 'b',
			supplierOrgId: 's',
			goodsFen: 2_100_000,
			freightFen: 160_000,
			feeBp: 300
		});
		expect(a.invoiceFen).toBe(2_260_000);
		expect(a.feeFen).toBe(63_000);
		expect(accountSum(a.postings, 'supplier_payable', 's')).toBe(-(2_260_000 - 63_000));
		const rep = repaymentPostings('b', 2_000_000);
		const off = writeOffPostings('b', 260_000);
		for (const ps of [a.postings, rep, off])
			expect(ps.reduce((s, p) => s + p.amountFen, 0)).toBe(0);
		expect(accountSum([...a.postings, ...rep, ...off], 'buyer_receivable', 'b')).toBe(0);
		expect(accountSum(off, 'credit_loss')).toBe(260_000);
	});
});
