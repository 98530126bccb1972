import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	chinaDay,
	chinaDayStart,
	chinaMonth,
	commissionInBand,
	isBalanced,
	monthPeriod,
	resolveCommissionBp,
	withRunningBalance,
	owed,
	paymentPostings,
	payoutPostings,
	refundAfterSettlementPostings,
	refundFromEscrowPostings,
	settlementPostings,
	shareFen,
	split,
	hostPayable,
	supplierPayable,
	type Posting
} from './ledger';

describe('rounding and splits', () => {
	it('rounds shares half up to the fen', () => {
		expect(shareFen(3500, 1500)).toBe(525);
		expect(shareFen(3333, 1500)).toBe(500); // 499.95 → 500
		expect(shareFen(3330, 1500)).toBe(500); // 499.5 → 500
		expect(shareFen(3329, 1500)).toBe(499); // 499.35 → 499
		expect(shareFen(1, 1500)).toBe(0);
		expect(shareFen(-3333, 1500)).toBe(-500);
	});

	it('splits a net price into parts that add up exactly', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 10_000_000 }),
				fc.integer({ min: 1500, max: 2000 }),
				fc.integer({ min: 0, max: 1000 }),
				(net, c, f) => {
					const s = split(net, c, f);
					expect(s.commissionFen + s.feeFen + s.supplierFen).toBe(net);
					expect(s.commissionFen).toBe(Math.floor((net * c + 5000) / 10000));
					expect(s.supplierFen).toBeGreaterThanOrEqual(0);
				}
			)
		);
	});

	it('takes an order’s payment in once and holds it in escrow line by line', () => {
		const p = paymentPostings([
			{ saleLineId: 'l1', lotId: 'a', grossFen: 5980 },
			{ saleLineId: 'l2', lotId: 'b', grossFen: 0 },
			{ saleLineId: 'l3', lotId: 'b', grossFen: 2990 }
		]);
		expect(isBalanced(p)).toBe(true);
		expect(p).toEqual([
			{ account: { kind: 'cash', orgId: null }, amountFen: 8970 },
			{
				account: { kind: 'escrow', orgId: null },
				amountFen: -5980,
				line: { saleLineId: 'l1', lotId: 'a' }
			},
			{
				account: { kind: 'escrow', orgId: null },
				amountFen: -2990,
				line: { saleLineId: 'l3', lotId: 'b' }
			}
		]);
		expect(paymentPostings([{ saleLineId: 'l1', lotId: 'a', grossFen: 0 }])).toEqual([]);
	});

	it('refuses fractional amounts', () => {
		expect(() => paymentPostings([{ saleLineId: 'l1', lotId: 'a', grossFen: 10.5 }])).toThrow(
			RangeError
		);
	});
});

// ---------------------------------------------------------------- a model of the money flow
// Random sequences of payments, deliveries, partial refunds, returns, cancellations, payouts
// and (repeated) settlement runs, posted with the rules above into an in-memory journal.

const SUPPLIERS = ['s1', 's2'];
const HOSTS = ['h1'];
const FEE_BP = 300;

interface Line {
	order: number;
	gross: number;
	refunded: number;
	commissionBp: number;
	supplier: string;
	host: string;
	delivered: boolean;
	windowPassed: boolean;
	cancelled: boolean;
	settledNet: number | null;
}

type Op =
	| { t: 'order'; lines: { gross: number; commissionBp: number; supplier: number }[] }
	| { t: 'deliver'; line: number }
	| { t: 'window'; line: number }
	| { t: 'refund'; line: number; part: number }
	| { t: 'cancel'; line: number }
	| { t: 'settle' }
	| { t: 'payout'; host: boolean; part: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({
		t: fc.constant('order' as const),
		lines: fc.array(
			fc.record({
				gross: fc.integer({ min: 1, max: 500_000 }),
				commissionBp: fc.integer({ min: 1500, max: 2000 }),
				supplier: fc.integer({ min: 0, max: 1 })
			}),
			{ minLength: 1, maxLength: 3 }
		)
	}),
	fc.record({ t: fc.constant('deliver' as const), line: fc.nat() }),
	fc.record({ t: fc.constant('window' as const), line: fc.nat() }),
	fc.record({
		t: fc.constant('refund' as const),
		line: fc.nat(),
		part: fc.double({ min: 0, max: 1, noNaN: true })
	}),
	fc.record({ t: fc.constant('cancel' as const), line: fc.nat() }),
	fc.record({ t: fc.constant('settle' as const) }),
	fc.record({
		t: fc.constant('payout' as const),
		host: fc.boolean(),
		part: fc.double({ min: 0, max: 1, noNaN: true })
	})
);

class Model {
	lines: Line[] = [];
	journal: { postings: Posting[]; order: number | null }[] = [];
	orders = 0;

	post(postings: Posting[], order: number | null) {
		expect(isBalanced(postings)).toBe(true);
		this.journal.push({ postings, order });
	}

	escrowOf(order: number): number {
		return owed(
			this.journal
				.filter((j) => j.order === order)
				.flatMap((j) => j.postings)
				.filter((p) => p.account.kind === 'escrow')
		);
	}

	balance(kind: string, orgId: string | null): number {
		return owed(
			this.journal
				.flatMap((j) => j.postings)
				.filter((p) => p.account.kind === kind && p.account.orgId === orgId)
		);
	}

	settle() {
		for (const l of this.lines) {
			if (l.settledNet !== null || l.cancelled || !l.delivered || !l.windowPassed) continue;
			const net = l.gross - l.refunded;
			const { postings } = settlementPostings(net, {
				supplierOrgId: l.supplier,
				hostOrgId: l.host,
				commissionBp: l.commissionBp,
				feeBp: FEE_BP
			});
			this.post(postings, l.order);
			l.settledNet = net;
		}
	}

	refund(l: Line, amount: number) {
		if (amount <= 0) return;
		if (l.settledNet === null) {
			this.post(refundFromEscrowPostings(amount), l.order);
		} else {
			const { postings } = refundAfterSettlementPostings(l.settledNet, amount, {
				supplierOrgId: l.supplier,
				hostOrgId: l.host,
				commissionBp: l.commissionBp,
				feeBp: FEE_BP
			});
			this.post(postings, l.order);
			l.settledNet -= amount;
		}
		l.refunded += amount;
	}

	apply(op: Op) {
		const line =
			'line' in op && this.lines.length ? this.lines[op.line % this.lines.length]! : undefined;
		switch (op.t) {
			case 'order': {
				const order = this.orders++;
				this.post(
					paymentPostings(
						op.lines.map((x, n) => ({
							saleLineId: `${order}:${n}`,
							lotId: 'lot',
							grossFen: x.gross
						}))
					),
					order
				);
				for (const x of op.lines) {
					this.lines.push({
						order,
						gross: x.gross,
						refunded: 0,
						commissionBp: x.commissionBp,
						supplier: SUPPLIERS[x.supplier]!,
						host: HOSTS[0]!,
						delivered: false,
						windowPassed: false,
						cancelled: false,
						settledNet: null
					});
				}
				break;
			}
			case 'deliver':
				if (line && !line.cancelled) line.delivered = true;
				break;
			case 'window':
				if (line?.delivered) line.windowPassed = true;
				break;
			case 'refund':
				if (line && !line.cancelled)
					this.refund(line, Math.floor((line.gross - line.refunded) * op.part));
				break;
			case 'cancel':
				if (line && !line.delivered && !line.cancelled) {
					this.refund(line, line.gross - line.refunded);
					line.cancelled = true;
				}
				break;
			case 'settle':
				this.settle();
				break;
			case 'payout': {
				const acct = op.host ? hostPayable(HOSTS[0]!) : supplierPayable(SUPPLIERS[0]!);
				const bal = this.balance(acct.kind, acct.orgId);
				const amount = Math.floor(Math.max(0, bal) * op.part);
				if (amount > 0) this.post(payoutPostings(acct, amount), null);
				break;
			}
		}
	}
}

describe('money flow properties', () => {
	it('keeps every transaction balanced, escrow never negative, commission exact, and settlement idempotent', () => {
		fc.assert(
			fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
				const m = new Model();
				for (const op of ops) {
					m.apply(op);
					for (let o = 0; o < m.orders; o++) expect(m.escrowOf(o)).toBeGreaterThanOrEqual(0);
				}
				// settlement run twice in a row: the second changes nothing
				m.settle();
				const entries = m.journal.length;
				m.settle();
				expect(m.journal.length).toBe(entries);

				// the whole journal sums to zero
				expect(m.journal.flatMap((j) => j.postings).reduce((s, p) => s + p.amountFen, 0)).toBe(0);

				// escrow holds exactly the net of unsettled, uncancelled lines
				const unsettled = m.lines
					.filter((l) => l.settledNet === null)
					.reduce((s, l) => s + l.gross - l.refunded, 0);
				expect(m.balance('escrow', null)).toBe(unsettled);

				// each party's share of settled sales is exact to the fen on the final net
				const settled = m.lines.filter((l) => l.settledNet !== null);
				const commission = settled.reduce(
					(s, l) => s + shareFen(l.gross - l.refunded, l.commissionBp),
					0
				);
				const fees = settled.reduce((s, l) => s + shareFen(l.gross - l.refunded, FEE_BP), 0);
				const paidOutHost = m.journal
					.filter((j) => j.order === null)
					.flatMap((j) => j.postings)
					.filter((p) => p.account.kind === 'host_payable')
					.reduce((s, p) => s + p.amountFen, 0);
				expect(m.balance('host_payable', 'h1') + paidOutHost).toBe(commission);
				expect(m.balance('platform_revenue', null)).toBe(fees);
				// cash = money still held or owed: escrow + payables + revenue
				const payables =
					SUPPLIERS.reduce((s, o) => s + m.balance('supplier_payable', o), 0) +
					m.balance('host_payable', 'h1');
				expect(0 - m.balance('cash', null)).toBe(m.balance('escrow', null) + payables + fees);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('sales without a host, periods and statements', () => {
	it('pays no commission when no host team sold the line, and the supplier gets it', () => {
		const p = { supplierOrgId: 's1', hostOrgId: null, commissionBp: 1800, feeBp: 300 };
		const { postings, split: s } = settlementPostings(10_000, p);
		expect(s).toEqual({ commissionFen: 0, feeFen: 300, supplierFen: 9700 });
		expect(postings.some((x) => x.account.kind === 'host_payable')).toBe(false);
		const back = refundAfterSettlementPostings(10_000, 5000, p);
		expect(isBalanced(back.postings)).toBe(true);
		expect(back.postings.some((x) => x.account.kind === 'host_payable')).toBe(false);
	});

	it('checks the commission band', () => {
		const band = { commissionMinBp: 1500, commissionMaxBp: 2000 };
		expect(commissionInBand(1500, band)).toBe(true);
		expect(commissionInBand(2000, band)).toBe(true);
		expect(commissionInBand(1499, band)).toBe(false);
		expect(commissionInBand(2001, band)).toBe(false);
		expect(commissionInBand(1500.5, band)).toBe(false);
	});

	it('takes the show deal’s rate, else the lot’s, else the default, inside the band', () => {
		const money = { commissionMinBp: 1500, commissionMaxBp: 2000, defaultCommissionBp: 1500 };
		expect(resolveCommissionBp({ showDealBp: 1800, lotBp: 1600 }, money)).toBe(1800);
		expect(resolveCommissionBp({ showDealBp: null, lotBp: 1600 }, money)).toBe(1600);
		expect(resolveCommissionBp({}, money)).toBe(1500);
		expect(resolveCommissionBp({ lotBp: 2500 }, money)).toBeNull();
	});

	it('counts days and months in China time', () => {
		expect(chinaDay(new Date('2026-11-25T16:30:00Z'))).toBe('2026-11-26');
		expect(chinaMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
		expect(chinaDayStart('2026-11-26').toISOString()).toBe('2026-11-25T16:00:00.000Z');
		const { from, to } = monthPeriod('2026-12');
		expect(from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
		expect(to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
		expect(() => monthPeriod('2026-13')).toThrow(RangeError);
	});

	it('runs a balance through statement lines', () => {
		const { lines, closingFen } = withRunningBalance(1000, [{ owedFen: 500 }, { owedFen: -200 }]);
		expect(lines.map((l) => l.balanceFen)).toEqual([1500, 1300]);
		expect(closingFen).toBe(1300);
		expect(withRunningBalance(42, []).closingFen).toBe(42);
	});
});
