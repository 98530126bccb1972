import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { shareFen } from '../../src/lib/domain/ledger';
import { db, execRows } from '../../src/lib/server/db';
import { ledgerEntries, ledgerSales, ledgerTransactions } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import {
	recordDelivered,
	recordPayment,
	recordRefund,
	recordSupplierCharge,
	settleDue,
	type SaleLineInput
} from '../../src/lib/server/ledger/service';
import {
	counts,
	escrowOf,
	expectLedgerInvariants,
	makeOrg,
	owedTo,
	saleLine
} from '../helpers/ledger';

let supplier: string;
let host: string;
const DAY = 86_400_000;
// Each test settles at its own "now", far apart, so lines of other tests are not due unless meant.
const T0 = Date.parse('2026-06-01T02:00:00Z');

beforeAll(async () => {
	supplier = await makeOrg('supplier');
	host = await makeOrg('host_team');
});

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

/** Pays an order, delivers it with a 7-day window; returns its lines. */
async function paidAndDelivered(
	lines: Partial<SaleLineInput>[],
	at: number,
	opts: { deliver?: boolean; supplierOrgId?: string; hostTeamId?: string | null } = {}
) {
	const orderId = randomUUID();
	const full = lines.map((l) =>
		saleLine(orderId, {
			supplierOrgId: opts.supplierOrgId ?? supplier,
			hostTeamId: opts.hostTeamId === undefined ? host : opts.hostTeamId,
			...l
		})
	);
	await db().transaction((tx) => recordPayment(tx, { orderId, paidAt: new Date(at), lines: full }));
	if (opts.deliver !== false)
		await db().transaction((tx) =>
			recordDelivered(tx, {
				saleLineIds: full.map((l) => l.saleLineId),
				deliveredAt: new Date(at + 2 * DAY),
				returnWindowDays: 7
			})
		);
	return full;
}

/** A database refusal, by its message (drizzle wraps statement errors; the cause has the text). */
async function refused(p: Promise<unknown>, why: RegExp) {
	let err: unknown;
	try {
		await p;
	} catch (e) {
		err = e;
	}
	expect(err).toBeDefined();
	const e = err as { message: string; cause?: { message?: string } };
	expect(`${e.message} ${e.cause?.message ?? ''}`).toMatch(why);
}

/** A new entry on the same account (kind and party) and transaction as `e`, with some fields changed. */
const entryLike = (
	e: typeof ledgerEntries.$inferSelect,
	over: Partial<typeof ledgerEntries.$inferInsert>
) => ({
	transactionId: e.transactionId,
	accountId: e.accountId,
	accountKind: e.accountKind,
	orgId: e.orgId,
	amountFen: 100,
	at: new Date(),
	...over
});

const sale = async (id: string) =>
	(await db().select().from(ledgerSales).where(eq(ledgerSales.saleLineId, id)))[0]!;

describe('payment → delivered → settle', () => {
	it('holds the payment in escrow, then splits it exactly once the return window has passed', async () => {
		const hostBefore = await owedTo('host_payable', host);
		const supplierBefore = await owedTo('supplier_payable', supplier);
		const revenueBefore = await owedTo('platform_revenue', null);
		const [line] = await paidAndDelivered([{ grossFen: 3333, commissionBp: 1800 }], T0);
		expect(await escrowOf(line!.saleLineId)).toBe(3333);
		expect((await sale(line!.saleLineId)).settleAfter?.toISOString()).toBe(
			new Date(T0 + 9 * DAY).toISOString()
		);
		// Not yet due one second before the window ends.
		expect((await settleDue(new Date(T0 + 9 * DAY - 1000))).settled).toBe(0);
		const r = await settleDue(new Date(T0 + 9 * DAY));
		expect(r).toEqual({ settled: 1, entries: 4 });
		expect(await escrowOf(line!.saleLineId)).toBe(0);
		const commission = shareFen(3333, 1800); // 599.94 → 600
		const fee = shareFen(3333, 300); // 99.99 → 100
		expect(commission).toBe(600);
		expect(fee).toBe(100);
		expect((await owedTo('host_payable', host)) - hostBefore).toBe(600);
		expect((await owedTo('platform_revenue', null)) - revenueBefore).toBe(100);
		expect((await owedTo('supplier_payable', supplier)) - supplierBefore).toBe(3333 - 700);
		expect((await sale(line!.saleLineId)).settledNetFen).toBe(3333);
		await expectLedgerInvariants();
	});

	it('changes nothing when settlement runs again', async () => {
		await paidAndDelivered([{ grossFen: 5000 }, { grossFen: 7000 }], T0 + 20 * DAY);
		const first = await settleDue(new Date(T0 + 40 * DAY));
		expect(first.settled).toBe(2);
		const before = await counts();
		expect(await settleDue(new Date(T0 + 40 * DAY))).toEqual({ settled: 0, entries: 0 });
		expect(await settleDue(new Date(T0 + 80 * DAY))).toEqual({ settled: 0, entries: 0 });
		expect(await counts()).toEqual(before);
	});

	it('settles each line once when two settlement runs race', async () => {
		const lines = await paidAndDelivered(
			Array.from({ length: 30 }, (_, i) => ({ grossFen: 1000 + i * 37 })),
			T0 + 100 * DAY
		);
		const at = new Date(T0 + 120 * DAY);
		const [a, b] = await Promise.all([settleDue(at, 1000), settleDue(at, 1000)]);
		expect(a.settled + b.settled).toBe(30);
		const perLine = await execRows<{ n: number }>(
			sql`select count(*)::int as n from ledger_transactions where kind = 'settlement'
				and sale_line_id = any(${`{${lines.map((l) => l.saleLineId).join(',')}}`}::uuid[])
				group by sale_line_id`
		);
		expect(perLine).toHaveLength(30);
		expect(perLine.every((r) => Number(r.n) === 1)).toBe(true);
		await expectLedgerInvariants();
	});

	it('keeps refunds racing the settlement run consistent (before: from escrow, after: claw-back)', async () => {
		const lines = await paidAndDelivered(
			Array.from({ length: 20 }, (_, i) => ({ grossFen: 5000 + i * 101 })),
			T0 + 150 * DAY
		);
		const at = new Date(T0 + 170 * DAY);
		await Promise.all([
			settleDue(at),
			...lines.map((l, i) =>
				db().transaction((tx) =>
					recordRefund(tx, {
						saleLineId: l.saleLineId,
						amountFen: 1000 + i,
						reason: 'partial',
						refId: `race-${l.saleLineId}`,
						at
					})
				)
			),
			settleDue(at)
		]);
		await settleDue(at);
		const kinds = await execRows<{ kind: string; n: number }>(
			sql`select kind::text as kind, count(*)::int as n from ledger_transactions
				where idempotency_key like 'refund:race-%' group by 1`
		);
		expect(kinds.reduce((a, k) => a + Number(k.n), 0)).toBe(20);
		for (const l of lines) expect((await sale(l.saleLineId)).settledAt).not.toBeNull();
		await expectLedgerInvariants();
	});

	it('records a payment once per sale line, whatever the retries', async () => {
		const orderId = randomUUID();
		const l = saleLine(orderId, { supplierOrgId: supplier, hostTeamId: host, grossFen: 4200 });
		const pay = () =>
			db().transaction((tx) => recordPayment(tx, { orderId, paidAt: new Date(T0), lines: [l] }));
		await pay();
		await pay();
		const txns = await db()
			.select()
			.from(ledgerTransactions)
			.where(eq(ledgerTransactions.saleLineId, l.saleLineId));
		expect(txns.map((t) => t.kind)).toEqual(['payment']);
		expect(await escrowOf(l.saleLineId)).toBe(4200);
		const changed = await caught(
			db().transaction((tx) =>
				recordPayment(tx, { orderId, paidAt: new Date(T0), lines: [{ ...l, grossFen: 4300 }] })
			)
		);
		expect(changed.status).toBe(409);
		expect(changed.toJSON().error).toMatchObject({
			code: 'sale_line_mismatch',
			field: 'lines.0.saleLineId'
		});
	});

	it('refuses a commission outside the band, and pays none without a host', async () => {
		const orderId = randomUUID();
		const bad = saleLine(orderId, {
			supplierOrgId: supplier,
			hostTeamId: host,
			commissionBp: 2500
		});
		const e = await caught(
			db().transaction((tx) => recordPayment(tx, { orderId, paidAt: new Date(T0), lines: [bad] }))
		);
		expect(e.status).toBe(422);
		expect(e.toJSON().error).toMatchObject({
			code: 'commission_out_of_range',
			field: 'lines.0.commissionBp'
		});
		const badInput = await caught(
			db().transaction((tx) =>
				recordPayment(tx, {
					orderId,
					paidAt: new Date(T0),
					lines: [{ ...bad, commissionBp: 1500, grossFen: 10.5 }]
				})
			)
		);
		expect(badInput.status).toBe(400);
		expect(badInput.field).toBe('lines.0.grossFen');
		const hostBefore = await owedTo('host_payable', host);
		const [l] = await paidAndDelivered([{ grossFen: 10_000, commissionBp: 0 }], T0 + 200 * DAY, {
			hostTeamId: null
		});
		await settleDue(new Date(T0 + 220 * DAY));
		expect((await sale(l!.saleLineId)).settledNetFen).toBe(10_000);
		expect(await owedTo('host_payable', host)).toBe(hostBefore);
		const entries = await db()
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.saleLineId, l!.saleLineId));
		expect(entries.filter((x) => x.accountKind === 'supplier_payable')[0]!.amountFen).toBe(-9700);
		await expectLedgerInvariants();
	});
});

describe('delivery', () => {
	it('refuses unknown lines, and a replacement delivery moves the settlement date until settled', async () => {
		const [l] = await paidAndDelivered([{ grossFen: 2000 }], T0 + 250 * DAY);
		const unknown = await caught(
			db().transaction((tx) =>
				recordDelivered(tx, {
					saleLineIds: [l!.saleLineId, randomUUID()],
					deliveredAt: new Date(T0 + 252 * DAY),
					returnWindowDays: 7
				})
			)
		);
		expect(unknown.status).toBe(404);
		expect(unknown.field).toBe('saleLineIds');
		const redeliver = (day: number) =>
			db().transaction((tx) =>
				recordDelivered(tx, {
					saleLineIds: [l!.saleLineId],
					deliveredAt: new Date(T0 + day * DAY),
					returnWindowDays: 7
				})
			);
		await redeliver(256);
		expect((await sale(l!.saleLineId)).settleAfter!.getTime()).toBe(T0 + 263 * DAY);
		expect((await settleDue(new Date(T0 + 262 * DAY))).settled).toBe(0);
		expect((await settleDue(new Date(T0 + 263 * DAY))).settled).toBe(1);
		await redeliver(270);
		expect((await sale(l!.saleLineId)).settleAfter!.getTime()).toBe(T0 + 263 * DAY);
	});
});

describe('refunds', () => {
	it('reverses from escrow before settlement (cancellation)', async () => {
		const [l] = await paidAndDelivered([{ grossFen: 8000 }], T0 + 300 * DAY, { deliver: false });
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: l!.saleLineId,
				amountFen: 8000,
				reason: 'cancel',
				refId: 'c1'
			})
		);
		expect(await escrowOf(l!.saleLineId)).toBe(0);
		// The same refund again (a retry) posts nothing; a new one has nothing left to refund.
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: l!.saleLineId,
				amountFen: 8000,
				reason: 'cancel',
				refId: 'c1'
			})
		);
		const tooMuch = await caught(
			db().transaction((tx) =>
				recordRefund(tx, { saleLineId: l!.saleLineId, amountFen: 1, reason: 'cancel', refId: 'c2' })
			)
		);
		expect(tooMuch.status).toBe(422);
		expect(tooMuch.toJSON().error).toMatchObject({ code: 'refund_too_large', refundableFen: 0 });
		expect((await sale(l!.saleLineId)).refundedFen).toBe(8000);
		await expectLedgerInvariants();
	});

	it('cuts commission in proportion to a partial refund before settlement', async () => {
		const hostBefore = await owedTo('host_payable', host);
		const [l] = await paidAndDelivered([{ grossFen: 20_000, commissionBp: 2000 }], T0 + 400 * DAY);
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: l!.saleLineId,
				amountFen: 5001,
				reason: 'partial',
				refId: 'p1'
			})
		);
		expect(await escrowOf(l!.saleLineId)).toBe(14_999);
		await settleDue(new Date(T0 + 420 * DAY));
		// 20% of 14,999 = 2,999.8 → 3,000
		expect((await owedTo('host_payable', host)) - hostBefore).toBe(3000);
		expect((await sale(l!.saleLineId)).settledNetFen).toBe(14_999);
		await expectLedgerInvariants();
	});

	it('claws back from the host after settlement (payable goes down)', async () => {
		const hostBefore = await owedTo('host_payable', host);
		const supplierBefore = await owedTo('supplier_payable', supplier);
		const [l] = await paidAndDelivered([{ grossFen: 10_000, commissionBp: 1500 }], T0 + 500 * DAY);
		await settleDue(new Date(T0 + 520 * DAY));
		expect((await owedTo('host_payable', host)) - hostBefore).toBe(1500);
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: l!.saleLineId,
				amountFen: 4000,
				reason: 'return',
				refId: 'r-after',
				at: new Date(T0 + 530 * DAY)
			})
		);
		const [t] = await db()
			.select()
			.from(ledgerTransactions)
			.where(eq(ledgerTransactions.idempotencyKey, 'refund:r-after'));
		expect(t!.kind).toBe('clawback');
		// Commission on the new net 6,000 is 900: 600 comes back from the host.
		expect((await owedTo('host_payable', host)) - hostBefore).toBe(900);
		expect((await owedTo('supplier_payable', supplier)) - supplierBefore).toBe(6000 - 900 - 180);
		expect(await escrowOf(l!.saleLineId)).toBe(0);
		await expectLedgerInvariants();
	});
});

describe('supplier charges and guards', () => {
	it('charges replacement freight to the supplier, once per reference', async () => {
		const s2 = await makeOrg('supplier');
		const charge = () =>
			db().transaction((tx) =>
				recordSupplierCharge(tx, {
					supplierOrgId: s2,
					amountFen: 1600,
					reason: '补发运费 广州→济南',
					refId: 'freight-1'
				})
			);
		await charge();
		await charge();
		expect(await owedTo('supplier_payable', s2)).toBe(-1600);
		const [t] = await db()
			.select()
			.from(ledgerTransactions)
			.where(eq(ledgerTransactions.idempotencyKey, 'charge:freight-1'));
		expect(t).toMatchObject({ kind: 'supplier_charge', orgId: s2, memo: '补发运费 广州→济南' });
	});

	it('refuses to edit or delete a posting, and refuses an unbalanced one', async () => {
		const [e] = await db().select().from(ledgerEntries).limit(1);
		await refused(
			db().update(ledgerEntries).set({ amountFen: 1 }).where(eq(ledgerEntries.id, e!.id)),
			/append-only/
		);
		await refused(db().delete(ledgerEntries).where(eq(ledgerEntries.id, e!.id)), /append-only/);
		await refused(
			db()
				.update(ledgerTransactions)
				.set({ memo: 'x' })
				.where(eq(ledgerTransactions.id, e!.transactionId)),
			/append-only/
		);
		const before = await counts();
		const entry = (transactionId: number, amountFen: number) =>
			entryLike(e!, { transactionId, amountFen });
		await refused(
			db().transaction(async (tx) => {
				const [t] = await tx
					.insert(ledgerTransactions)
					.values({ kind: 'payment', idempotencyKey: `bad:${randomUUID()}` })
					.returning();
				await tx.insert(ledgerEntries).values([entry(t!.id, 100), entry(t!.id, -99)]);
			}),
			/not balanced/
		);
		// The check reads each statement's new entries: a balanced pair split over two statements
		// is refused at the first, and a lone entry added to a balanced transaction is refused.
		await refused(
			db().transaction(async (tx) => {
				const [t] = await tx
					.insert(ledgerTransactions)
					.values({ kind: 'payment', idempotencyKey: `split:${randomUUID()}` })
					.returning();
				await tx.insert(ledgerEntries).values(entry(t!.id, 100));
				await tx.insert(ledgerEntries).values(entry(t!.id, -100));
			}),
			/not balanced/
		);
		await refused(db().insert(ledgerEntries).values(entry(e!.transactionId, 5)), /not balanced/);
		await refused(
			db().transaction(async (tx) => {
				await tx
					.insert(ledgerTransactions)
					.values({ kind: 'payment', idempotencyKey: `empty:${randomUUID()}` });
			}),
			/fewer than two entries/
		);
		expect(await counts()).toEqual(before);
	});

	it('refuses entries naming a missing transaction or account, or another kind or party than the account', async () => {
		const [e] = await db().select().from(ledgerEntries).limit(1);
		const before = await counts();
		const pair = (over: Partial<typeof ledgerEntries.$inferInsert>) => [
			entryLike(e!, { ...over, amountFen: 100 }),
			entryLike(e!, { ...over, amountFen: -100 })
		];
		// A balanced pair added to an existing transaction passes every check but the ones here.
		await refused(
			db()
				.insert(ledgerEntries)
				.values(pair({ transactionId: 2 ** 40 })),
			/transaction \d+, which does not exist/
		);
		await refused(
			db()
				.insert(ledgerEntries)
				.values(pair({ accountId: randomUUID() })),
			/names account .* which does not exist or has another kind or party/
		);
		await refused(
			db()
				.insert(ledgerEntries)
				.values(pair({ accountKind: e!.accountKind === 'cash' ? 'escrow' : 'cash' })),
			/has another kind or party/
		);
		await refused(
			db()
				.insert(ledgerEntries)
				.values(pair({ orgId: randomUUID() })),
			/has another kind or party/
		);
		expect(await counts()).toEqual(before);
	});

	it('keeps accounts append-only, and sale lines naming existing orgs that cannot be deleted', async () => {
		const [e] = await db().select().from(ledgerEntries).limit(1);
		await refused(
			execRows(
				sql`update ledger_accounts set org_id = ${supplier}::uuid where id = ${e!.accountId}`
			),
			/append-only/
		);
		await refused(
			execRows(sql`delete from ledger_accounts where id = ${e!.accountId}`),
			/append-only/
		);
		const [line] = await paidAndDelivered([{}], T0 + 900 * DAY, { deliver: false });
		await refused(
			db()
				.update(ledgerSales)
				.set({ supplierOrgId: host })
				.where(eq(ledgerSales.saleLineId, line!.saleLineId)),
			/append-only/
		);
		const orderId = randomUUID();
		await refused(
			db().transaction((tx) =>
				recordPayment(tx, {
					orderId,
					paidAt: new Date(T0),
					lines: [saleLine(orderId, { supplierOrgId: randomUUID(), hostTeamId: host })]
				})
			),
			/names org .* which does not exist/
		);
		await refused(
			db().transaction((tx) =>
				execRows(
					sql`insert into ledger_sales (sale_line_id, order_id, lot_id, host_team_id, supplier_org_id,
						quantity, gross_fen, commission_bp, fee_bp, paid_at)
					values (${randomUUID()}::uuid, ${orderId}::uuid, ${randomUUID()}::uuid, ${randomUUID()}::uuid,
						${supplier}::uuid, 1, 100, 0, 0, now())`,
					tx
				)
			),
			/names org .* which does not exist/
		);
		expect((await sale(line!.saleLineId)).supplierOrgId).toBe(supplier);
		// The orgs the sale lines name stay, whichever side of the line.
		await refused(
			execRows(sql`delete from orgs where id = ${supplier}::uuid`),
			/named by ledger sale lines/
		);
		await refused(
			execRows(sql`delete from orgs where id = ${host}::uuid`),
			/named by ledger sale lines/
		);
		const lone = await makeOrg('supplier');
		await execRows(sql`delete from orgs where id = ${lone}::uuid`);
	});
});
