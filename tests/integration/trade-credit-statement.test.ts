// A buyer organisation's statement (issue 21, "statements include invoices") against the
// database: escrow payment and refund, an invoice on terms, a partial repayment, the rest repaid
// across the next invoice, a write-off; every figure equal to the ledger's postings (balanced),
// the balance owed on terms running from the opening to the closing balance; the supplier's
// statement names the invoice; another buyer's statement 404; a buyer never reaches payouts; the
// reminders the job recorded are the buyer's to read on any page load.
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../../src/lib/domain/ledger';
import { usccCheckChar } from '../../src/lib/domain/trade/credit';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import { db, execRows } from '../../src/lib/server/db';
import { freightRates, tradeInvoices, tradeParcels } from '../../src/lib/server/db/schema';
import { transaction } from '../../src/lib/server/events/bus';
import { post } from '../../src/lib/server/ledger/post';
import {
	buyerStatement,
	buyerStatementCsv,
	createPayout,
	listPayouts,
	statement,
	type BuyerStatement
} from '../../src/lib/server/ledger';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { checkout, creditReminders, payWithTestProvider } from '../../src/lib/server/trade';
import {
	applyForCredit,
	decideCredit,
	recordRepayment,
	writeOffInvoice
} from '../../src/lib/server/trade/credit';
import { runCreditTimers } from '../../src/lib/server/trade/credit-timers';
import { moveOrder } from '../../src/lib/server/trade/transition';
import type { TradeAction, TradeActor } from '../../src/lib/domain/trade/order-state';
import { demoActor } from '../helpers/demo';
import {
	caught,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO
} from '../helpers/trade-checkout';

type A = Awaited<ReturnType<typeof demoActor>>;
type B = Awaited<ReturnType<typeof newBuyer>>;
let operator: A, supplier: A;
let lotIds: string[];

const DAY = 86_400_000;
const key = () => `k-${Math.random().toString(36).slice(2)}`;

function uscc(): string {
	const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	let body = '91';
	while (body.length < 17) body += chars[Math.floor(Math.random() * 31)];
	return body + usccCheckChar(body)!;
}

async function approvedBuyer(limitFen: number, termDays = 45): Promise<B> {
	const b = await newBuyer();
	await applyForCredit(b.principal, {
		companyName: '临沂某某商贸有限公司',
		uscc: uscc(),
		tradeReferences: [{ name: '义乌某供应商', contact: '0579-12345678' }]
	});
	await decideCredit(operator.actor, b.orgId, { decision: 'approve', limitFen, termDays });
	return b;
}

const buy = (b: B, lotId: string, quantity: number, now: Date, terms: boolean) =>
	checkout(
		b.principal,
		{
			lines: [{ lotId, quantity }],
			shipTo: SHIP_TO,
			provider: terms ? 'bank_transfer' : 'test',
			...(terms ? { paymentMode: 'terms' as const } : {})
		},
		key(),
		now
	);

async function moveAt(orderId: string, action: TradeAction, party: TradeActor, at: Date) {
	return transaction((tx) =>
		moveOrder(tx, {
			orderId,
			action,
			actor: { party, userId: null },
			now: at,
			policy: DEFAULT_TRADE_POLICY
		})
	);
}

async function releaseAt(orderId: string, acceptAt: Date) {
	const t = acceptAt.getTime();
	await moveAt(orderId, 'accept', 'supplier', new Date(t - 4 * 3600_000));
	await db()
		.insert(tradeParcels)
		.values({
			orderId,
			carrier: 'YTO',
			trackingNo: `YT${Math.random().toString().slice(2, 12)}`,
			cartons: 1
		});
	await moveAt(orderId, 'ship', 'supplier', new Date(t - 3 * 3600_000));
	await moveAt(orderId, 'arrive', 'buyer', new Date(t - 2 * 3600_000));
	await moveAt(orderId, 'accept_goods', 'buyer', acceptAt);
	await moveAt(orderId, 'release', 'system', acceptAt);
}

/**
 * The ledger's own view of the buyer's money, transaction by transaction, straight from the
 * entries: the cash and receivable parts, and each transaction's sum (0 when balanced).
 */
async function postings(buyerOrgId: string) {
	const rows = await execRows<{
		id: string | number;
		kind: string;
		ref_id: string | null;
		cash: string | number;
		receivable: string | number;
		total: string | number;
	}>(
		sql`select t.id, t.kind::text as kind, t.ref_id,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'cash'), 0)::bigint as cash,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'buyer_receivable'
				and e.org_id = ${buyerOrgId}), 0)::bigint as receivable,
			sum(e.amount_fen)::bigint as total
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id in (select id from trade_orders where buyer_org_id = ${buyerOrgId})
			and t.kind::text in ('trade_payment', 'trade_refund', 'invoice', 'repayment', 'write_off')
		group by t.id order by t.at, t.id`
	);
	return rows.map((r) => ({
		id: Number(r.id),
		kind: r.kind,
		refId: r.ref_id,
		cash: Number(r.cash),
		receivable: Number(r.receivable),
		total: Number(r.total)
	}));
}

async function receivableBefore(buyerOrgId: string, at: Date): Promise<number> {
	const [r] = await execRows<{ s: string | number | null }>(
		sql`select sum(amount_fen)::bigint as s from ledger_entries
			where account_kind = 'buyer_receivable' and org_id = ${buyerOrgId}
				and at < ${at.toISOString()}::timestamptz`
	);
	return Number(r?.s ?? 0);
}

const range = (from: Date, to: Date) => ({ from: chinaDay(from), to: chinaDay(to) });
const sumOf = (s: BuyerStatement, kind: keyof BuyerStatement['totals']) => s.totals[kind] ?? 0;

beforeAll(async () => {
	await seedDemoIfEmpty();
	[operator, supplier] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.operator),
		demoActor(DEMO_ACCOUNTS.supplier1)
	]);
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 3);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 0, partnerPerPieceFen: 10 });
	for (const id of lotIds) await setupLot(id, { moq: 1, unitPriceFen: 100, onHand: 100_000 });
});

describe('the buyer statement', () => {
	it('lists escrow payments, refunds, invoices, repayments and the write-off exactly as posted', async () => {
		const b = await approvedBuyer(10_000_000, 45);
		const t0 = new Date(Date.now() - 100 * DAY);
		// Escrow: one order paid and released, one paid and refunded (the accept SLA missed).
		const e1 = (await buy(b, lotIds[0]!, 60, t0, false)).orders[0]!;
		await payWithTestProvider(b.principal, e1.id, new Date(t0.getTime() + 60_000));
		const e2 = (await buy(b, lotIds[1]!, 70, t0, false)).orders[0]!;
		await payWithTestProvider(b.principal, e2.id, new Date(t0.getTime() + 120_000));
		await releaseAt(e1.id, new Date(t0.getTime() + 10 * 3600_000));
		await moveAt(e2.id, 'accept_sla_missed', 'system', new Date(t0.getTime() + 4 * DAY));
		// Terms: two orders, accepted an hour apart, each an invoice due 45 days later.
		const o1 = (await buy(b, lotIds[2]!, 500, new Date(t0.getTime() + DAY), true)).orders[0]!;
		const o2 = (await buy(b, lotIds[2]!, 600, new Date(t0.getTime() + DAY), true)).orders[0]!;
		await releaseAt(o1.id, new Date(t0.getTime() + DAY + 10 * 3600_000));
		await releaseAt(o2.id, new Date(t0.getTime() + DAY + 11 * 3600_000));
		const invs = await db()
			.select()
			.from(tradeInvoices)
			.where(eq(tradeInvoices.buyerOrgId, b.orgId))
			.orderBy(tradeInvoices.dueAt);
		expect(invs).toHaveLength(2);

		// After the invoices, before any repayment: the statement owes both invoices.
		const mid = new Date(t0.getTime() + 10 * DAY);
		const s1 = await buyerStatement(b.principal, b.orgId, range(t0, mid));
		expect(s1.openingFen).toBe(0);
		expect(s1.closingFen).toBe(o1.totalFen + o2.totalFen);
		expect(s1.closingFen).toBe(await receivableBefore(b.orgId, new Date(mid.getTime() + DAY)));
		expect(sumOf(s1, 'invoice')).toBe(o1.totalFen + o2.totalFen);
		expect(sumOf(s1, 'trade_payment')).toBe(e1.totalFen + e2.totalFen);
		expect(sumOf(s1, 'trade_refund')).toBe(e2.totalFen);
		expect(s1.lines.filter((l) => l.kind === 'invoice').map((l) => l.refId)).toEqual(
			invs.map((i) => `INV${i.number}`)
		);

		// A partial repayment (bank reference), the rest across both invoices, a write-off.
		const late = new Date(invs[0]!.dueAt.getTime() + 4 * DAY);
		const part = o1.totalFen - 100;
		await recordRepayment(
			operator.actor,
			b.orgId,
			{ amountFen: part, reference: 'BOC-20261203-01' },
			late
		);
		await recordRepayment(
			operator.actor,
			b.orgId,
			{ amountFen: 300, reference: 'ICBC-7788' },
			late
		);
		await writeOffInvoice(operator.actor, invs[1]!.id, { reason: '客户破产' }, late);
		const left = o2.totalFen - 200;

		// The whole history in one range: every line is its transaction's posting.
		const all = await buyerStatement(operator.actor, b.orgId, range(t0, late));
		const posted = await postings(b.orgId);
		expect(posted.every((p) => p.total === 0)).toBe(true);
		expect(all.lines.map((l) => l.transactionId)).toEqual(posted.map((p) => p.id));
		for (const [i, l] of all.lines.entries()) {
			const p = posted[i]!;
			expect(l.kind).toBe(p.kind);
			expect(l.owedFen).toBe(p.receivable);
			expect(l.amountFen).toBe(
				l.kind === 'trade_payment' || l.kind === 'trade_refund'
					? Math.abs(p.cash)
					: Math.abs(p.receivable)
			);
		}
		expect(all.lines.map((l) => l.kind)).toEqual([
			'trade_payment',
			'trade_payment',
			'invoice',
			'invoice',
			'trade_refund',
			'repayment',
			'repayment',
			'repayment',
			'write_off'
		]);
		expect(all.totals).toEqual({
			trade_payment: e1.totalFen + e2.totalFen,
			trade_refund: e2.totalFen,
			invoice: o1.totalFen + o2.totalFen,
			repayment: part + 300,
			write_off: left
		});
		expect(all.openingFen).toBe(0);
		expect(all.closingFen).toBe(0);
		expect(all.lines.at(-1)!.balanceFen).toBe(0);
		// Repayments carry the bank reference; the running balance steps down by each.
		const repaid = all.lines.filter((l) => l.kind === 'repayment');
		expect(repaid.map((l) => l.refId)).toEqual(['BOC-20261203-01', 'ICBC-7788', 'ICBC-7788']);
		expect(repaid.map((l) => l.amountFen)).toEqual([part, 100, 200]);
		expect(repaid[0]!.balanceFen).toBe(o1.totalFen + o2.totalFen - part);

		// A period starting after the invoices: opening = what was owed then, from the postings.
		const after = new Date(t0.getTime() + 20 * DAY);
		const tail = await buyerStatement(b.principal, b.orgId, range(after, late));
		expect(tail.openingFen).toBe(
			await receivableBefore(b.orgId, new Date(`${chinaDay(after)}T00:00:00+08:00`))
		);
		expect(tail.openingFen).toBe(o1.totalFen + o2.totalFen);
		expect(tail.closingFen).toBe(0);
		expect(tail.lines.map((l) => l.kind)).toEqual([
			'repayment',
			'repayment',
			'repayment',
			'write_off'
		]);

		// CSV: BOM, the bank reference, the closing row.
		const csv = buyerStatementCsv(all, 'zh-CN');
		expect(csv.startsWith('\uFEFF日期,类型')).toBe(true);
		expect(csv).toContain('ICBC-7788');
		expect(csv).toContain(`INV${invs[0]!.number}`);

		// The supplier's own statement shows which of its orders were paid on terms.
		const sup = await statement(supplier.actor, supplier.actor.orgId!, range(t0, late));
		const invoiced = sup.lines.filter((l) => l.kind === 'invoice');
		expect(invoiced.map((l) => l.orderId)).toEqual([o1.id, o2.id]);
		expect(invoiced.map((l) => l.refId)).toEqual(invs.map((i) => `INV${i.number}`));
	});

	it('is the buyer’s and the operator’s only; a buyer never reaches payouts', async () => {
		const b = await approvedBuyer(1_000_000, 30);
		const other = await newBuyer();
		// Another buyer, a supplier, an unknown or non-buyer organisation: 404.
		for (const [who, org] of [
			[other.principal, b.orgId],
			[supplier.actor, b.orgId],
			[operator.actor, supplier.actor.orgId!],
			[operator.actor, '00000000-0000-4000-8000-000000000000'],
			[b.principal, 'not-a-uuid']
		] as const) {
			expect((await caught(buyerStatement(who, org))).status).toBe(404);
		}
		expect((await buyerStatement(b.principal, b.orgId)).org.id).toBe(b.orgId);
		expect((await buyerStatement(operator.actor, b.orgId)).lines).toEqual([]);
		// Payouts and party statements stay closed to buyers; a buyer org holds no payable.
		expect((await caught(listPayouts(b.principal))).status).toBe(403);
		expect((await caught(listPayouts(b.principal, { orgId: b.orgId }))).status).toBe(403);
		expect((await caught(createPayout(b.principal, { orgId: b.orgId }))).status).toBe(403);
		expect((await caught(createPayout(operator.actor, { orgId: b.orgId }))).status).toBe(404);
		expect((await caught(statement(b.principal, b.orgId))).status).toBe(403);
	});
});

describe('the migration', () => {
	it('gives trade transactions posted before buyer_org_id existed their buyer', async () => {
		const b = await newBuyer();
		const t0 = new Date(Date.now() - 2 * DAY);
		const o = (await buy(b, lotIds[0]!, 60, t0, false)).orders[0]!;
		await payWithTestProvider(b.principal, o.id, new Date(t0.getTime() + 60_000));
		// A trade transaction as posted before 0025: the order, the supplier, no buyer.
		await post(db(), [
			{
				kind: 'trade_refund',
				key: `test:backfill:${o.id}`,
				at: new Date(t0.getTime() + 120_000),
				orderId: o.id,
				orgId: supplier.actor.orgId!,
				postings: [
					{
						account: { kind: 'escrow', orgId: null },
						amountFen: 100,
						line: { saleLineId: o.id, lotId: null }
					},
					{ account: { kind: 'cash', orgId: null }, amountFen: -100 }
				]
			}
		]);
		const q = { from: chinaDay(t0), to: chinaDay(new Date()) };
		expect((await buyerStatement(b.principal, b.orgId, q)).totals).toEqual({
			trade_payment: o.totalFen
		});
		const migration = readFileSync('drizzle/0027_h4_ledger_buyer_backfill.sql', 'utf8');
		for (const statement of migration.split('--> statement-breakpoint')) {
			await db().execute(sql.raw(statement));
		}
		expect((await buyerStatement(b.principal, b.orgId, q)).totals).toEqual({
			trade_payment: o.totalFen,
			trade_refund: 100
		});
		// The append-only guard is back on.
		await expect(
			db().execute(sql`update ledger_transactions set memo = 'x' where order_id = ${o.id}`)
		).rejects.toThrow();
	});
});

describe('reminders on load', () => {
	it('shows the reminder the job recorded until the invoice is paid', async () => {
		const b = await approvedBuyer(1_000_000, 30);
		const t0 = new Date();
		const o = (await buy(b, lotIds[0]!, 500, t0, true)).orders[0]!;
		await releaseAt(o.id, new Date(t0.getTime() + 3600_000));
		const [inv] = await db().select().from(tradeInvoices).where(eq(tradeInvoices.orderId, o.id));
		const due = inv!.dueAt.getTime();
		expect(await creditReminders(b.principal)).toEqual([]);
		await runCreditTimers(new Date(due - 2 * DAY));
		let r = await creditReminders(b.principal);
		expect(r.map((x) => [x.invoiceId, x.kind, x.outstandingFen])).toEqual([
			[inv!.id, 'before', o.totalFen]
		]);
		await runCreditTimers(new Date(due + 4 * DAY));
		r = await creditReminders(b.principal);
		expect(r.map((x) => [x.number, x.kind])).toEqual([[inv!.number, 'overdue']]);
		// Another buyer sees none of it; operators have no buyer area.
		expect(await creditReminders((await newBuyer()).principal)).toEqual([]);
		expect((await caught(creditReminders(operator.actor))).status).toBe(403);
		await recordRepayment(
			operator.actor,
			b.orgId,
			{ amountFen: o.totalFen, reference: 'ABC-1' },
			new Date(due + 5 * DAY)
		);
		expect(await creditReminders(b.principal)).toEqual([]);
	});
});
