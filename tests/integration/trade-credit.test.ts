// Credit terms (issue 21) against Postgres: application (USCC check digit) and the operator's
// decision with history; checkout on terms (B2B MOQ, no account, the limit exact under 50 racing
// checkouts); the release of a terms order becomes an invoice (due after the term, from an
// injected clock); an overdue invoice blocks terms checkouts until repaid; partial repayments go
// oldest first; a write-off; every ledger transaction balanced and the receivable = what is owed.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { usccCheckChar } from '../../src/lib/domain/trade/credit';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import { db, execRows } from '../../src/lib/server/db';
import {
	freightRates,
	tradeCreditAccounts,
	tradeCreditChanges,
	tradeInvoices,
	tradeParcels
} from '../../src/lib/server/db/schema';
import { bus, transaction } from '../../src/lib/server/events/bus';
import type { TradeInvoiceReminder } from '../../src/lib/server/events/map';
import { runCreditTimers } from '../../src/lib/server/trade/credit-timers';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { checkout } from '../../src/lib/server/trade';
import {
	applyForCredit,
	decideCredit,
	myCredit,
	recordRepayment,
	writeOffInvoice,
	agingReport,
	agingExport
} from '../../src/lib/server/trade/credit';
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

/** A valid 18-character 统一社会信用代码 (random body, computed check character). */
function uscc(): string {
	const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	let body = '91';
	while (body.length < 17) body += chars[Math.floor(Math.random() * 31)];
	return body + usccCheckChar(body)!;
}

async function approvedBuyer(limitFen: number, termDays = 45): Promise<B> {
	const b = await newBuyer();
	await applyForCredit(b.principal, {
		companyName: '济南某某商贸有限公司',
		uscc: uscc(),
		tradeReferences: [{ name: '广州某供应商', contact: '020-12345678' }]
	});
	await decideCredit(operator.actor, b.orgId, { decision: 'approve', limitFen, termDays });
	return b;
}

const termsCheckout = (b: B, lotId: string, quantity: number, now = new Date()) =>
	checkout(
		b.principal,
		{
			lines: [{ lotId, quantity }],
			shipTo: SHIP_TO,
			provider: 'bank_transfer',
			paymentMode: 'terms'
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

/** Walks a paid terms order to released at `acceptAt` (the buyer accepts; the system releases). */
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

/** Every ledger transaction of the buyer's credit money: balanced; the receivable's balance. */
async function creditLedger(buyerOrgId: string) {
	const txs = await execRows<{ kind: string; sum: string | number }>(
		sql`select t.kind::text as kind, sum(e.amount_fen)::bigint as sum
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.kind in ('invoice', 'repayment', 'write_off') and t.order_id in
			(select id from trade_orders where buyer_org_id = ${buyerOrgId})
		group by t.id, t.kind order by t.id`
	);
	const [r] = await execRows<{ bal: string | number | null }>(
		sql`select sum(amount_fen)::bigint as bal from ledger_entries
		where account_kind = 'buyer_receivable' and org_id = ${buyerOrgId}`
	);
	return {
		kinds: txs.map((x) => x.kind),
		balanced: txs.length > 0 && txs.every((x) => Number(x.sum) === 0),
		receivable: Number(r?.bal ?? 0)
	};
}

async function owed(buyerOrgId: string) {
	const rows = await db()
		.select()
		.from(tradeInvoices)
		.where(eq(tradeInvoices.buyerOrgId, buyerOrgId));
	return rows.reduce((s, i) => s + i.amountFen - i.paidFen - i.writtenOffFen, 0);
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	[operator, supplier] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.operator),
		demoActor(DEMO_ACCOUNTS.supplier1)
	]);
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 4);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 0, partnerPerPieceFen: 10 });
	for (const id of lotIds) await setupLot(id, { moq: 1, unitPriceFen: 100, onHand: 100_000 });
});

describe('applying and deciding', () => {
	it('checks the USCC, refuses a second application, and keeps the history of decisions', async () => {
		const b = await newBuyer();
		const good = uscc();
		const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		const e = await caught(
			applyForCredit(b.principal, {
				companyName: '某公司',
				uscc: bad,
				tradeReferences: [{ name: 'x', contact: 'y' }]
			})
		);
		expect(e.status).toBe(400);
		expect(e.field).toBe('uscc');
		expect(
			(
				await caught(
					applyForCredit(supplier.actor, { companyName: 'x', uscc: good, tradeReferences: [] })
				)
			).status
		).toBe(403);
		const acc = await applyForCredit(b.principal, {
			companyName: '某公司',
			uscc: good.toLowerCase(),
			tradeReferences: [{ name: '参考', contact: '13800000000' }]
		});
		expect(acc.uscc).toBe(good);
		expect(acc.status).toBe('applied');
		expect(
			(
				await caught(
					applyForCredit(b.principal, {
						companyName: 'x',
						uscc: good,
						tradeReferences: [{ name: 'a', contact: 'b' }]
					})
				)
			).status
		).toBe(409);
		// Before approval: no terms.
		expect((await caught(termsCheckout(b, lotIds[0]!, 500))).code).toBe('credit_none');
		// Only operators decide; a term not in the policy is refused.
		expect(
			(
				await caught(
					decideCredit(b.principal, b.orgId, { decision: 'approve', limitFen: 1, termDays: 45 })
				)
			).status
		).toBe(403);
		const t = await caught(
			decideCredit(operator.actor, b.orgId, { decision: 'approve', limitFen: 100, termDays: 60 })
		);
		expect(t.status).toBe(400);
		expect(t.field).toBe('termDays');
		await decideCredit(operator.actor, b.orgId, {
			decision: 'approve',
			limitFen: 20_000_000,
			termDays: 45
		});
		await decideCredit(operator.actor, b.orgId, {
			decision: 'approve',
			limitFen: 30_000_000,
			termDays: 30,
			reason: '按时还款'
		});
		const hist = await db()
			.select()
			.from(tradeCreditChanges)
			.where(eq(tradeCreditChanges.buyerOrgId, b.orgId));
		expect(hist.map((h) => [h.status, h.limitFen, h.termDays])).toEqual([
			['applied', 0, null],
			['approved', 20_000_000, 45],
			['approved', 30_000_000, 30]
		]);
		// Below the B2B minimum: refused with the minimum.
		const moq = await caught(termsCheckout(b, lotIds[0]!, 499));
		expect(moq.status).toBe(422);
		expect(moq.code).toBe('credit_b2b_moq');
	});
});

describe('the limit under racing checkouts', () => {
	it('lets exactly as many of 50 concurrent checkouts through as the limit fits', async () => {
		// One order: 500 pieces × ¥1 + freight 500 × 0.10 = 55 000 fen.
		const probe = await approvedBuyer(1_000_000);
		const first = await termsCheckout(probe, lotIds[1]!, 500);
		const total = first.orders[0]!.totalFen;
		expect(total).toBeGreaterThan(0);
		expect(first.orders[0]!.state).toBe('paid');

		const b = await approvedBuyer(total * 10);
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, () => termsCheckout(b, lotIds[1]!, 500))
		);
		const ok = results.filter((r) => r.status === 'fulfilled');
		const refused = results.flatMap((r) =>
			r.status === 'rejected'
				? [r.reason as { code?: string; status?: number; details?: { availableFen: number } }]
				: []
		);
		expect(ok.length).toBe(10);
		expect(refused.length).toBe(40);
		for (const e of refused) {
			expect(e.status).toBe(422);
			expect(e.code).toBe('credit_limit');
			expect(e.details?.availableFen).toBe(0);
		}
		const [acc] = await db()
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, b.orgId));
		expect(acc!.inFlightFen).toBe(total * 10);
		const v = await myCredit(b.principal);
		expect(v!.availableFen).toBe(0);
		expect(v!.warn).toBe(true);
	});
});

describe('invoices, overdue, repayments and write-off', () => {
	it('invoices on release, blocks when overdue beyond grace, unblocks on repayment (oldest first)', async () => {
		const b = await approvedBuyer(10_000_000, 45);
		const t0 = new Date();
		const o1 = (await termsCheckout(b, lotIds[2]!, 500, t0)).orders[0]!;
		const o2 = (await termsCheckout(b, lotIds[2]!, 600, new Date(t0.getTime() + 5 * DAY)))
			.orders[0]!;
		const accept1 = new Date(t0.getTime() + 10 * 3600_000);
		const accept2 = new Date(t0.getTime() + 5 * DAY + 11 * 3600_000);
		await releaseAt(o1.id, accept1);
		await releaseAt(o2.id, accept2);
		const invs = await db()
			.select()
			.from(tradeInvoices)
			.where(eq(tradeInvoices.buyerOrgId, b.orgId))
			.orderBy(tradeInvoices.dueAt);
		expect(invs.map((i) => i.orderId)).toEqual([o1.id, o2.id]);
		expect(invs[0]!.dueAt.getTime()).toBe(accept1.getTime() + 45 * DAY);
		expect(invs[0]!.amountFen).toBe(o1.totalFen);
		const [acc] = await db()
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, b.orgId));
		expect(acc!.inFlightFen).toBe(0);
		let l = await creditLedger(b.orgId);
		expect(l.balanced).toBe(true);
		expect(l.receivable).toBe(o1.totalFen + o2.totalFen);

		// Due + 3 days (the grace) still goes; due + 3 days + 1 minute is refused.
		const due1 = invs[0]!.dueAt.getTime();
		const inGrace = await termsCheckout(b, lotIds[3]!, 500, new Date(due1 + 3 * DAY));
		expect(inGrace.orders).toHaveLength(1);
		const late = new Date(due1 + 3 * DAY + 60_000);
		const blocked = await caught(termsCheckout(b, lotIds[3]!, 500, late));
		expect(blocked.status).toBe(422);
		expect(blocked.code).toBe('credit_overdue');
		// Aging: the first invoice is 3 days overdue (1–30), the second still current.
		const report = (await agingReport(operator.actor, late)).find((r) => r.buyerOrgId === b.orgId)!;
		expect(report.buckets.d1_30).toBe(o1.totalFen);
		expect(report.buckets.current).toBe(o2.totalFen);

		// The aging export: CSV (BOM, header, this buyer's row) and XLSX (a zip); operators only.
		const csv = (await agingExport(operator.actor, 'csv', late))!;
		const text = csv.body.toString('utf8');
		expect(text.startsWith('\uFEFFbuyer_org_id,buyer,current,d1_30,d31_60,d60_plus,total')).toBe(
			true
		);
		expect(text).toContain(b.orgId);
		const xlsx = (await agingExport(operator.actor, 'xlsx', late))!;
		expect(xlsx.body.subarray(0, 2).toString('latin1')).toBe('PK');
		expect((await caught(agingExport(b.principal, 'csv', late))).status).toBe(403);
		expect((await caught(agingExport(operator.actor, 'pdf', late))).status).toBe(400);
		// A partial repayment pays the oldest first and leaves it open: still blocked.
		const part = o1.totalFen - 100;
		const r1 = await recordRepayment(
			operator.actor,
			b.orgId,
			{ amountFen: part, reference: 'BK-0001' },
			late
		);
		expect(r1.allocations).toEqual([{ invoiceId: invs[0]!.id, amountFen: part }]);
		expect((await caught(termsCheckout(b, lotIds[3]!, 500, late))).code).toBe('credit_overdue');
		// The same bank reference twice: 409; more than owed: 422 with what is owed.
		expect(
			(
				await caught(
					recordRepayment(operator.actor, b.orgId, { amountFen: 1, reference: 'BK-0001' }, late)
				)
			).status
		).toBe(409);
		const over = await caught(
			recordRepayment(operator.actor, b.orgId, { amountFen: 10 ** 9, reference: 'BK-0009' }, late)
		);
		expect(over.code).toBe('overpayment');
		expect(over.details?.owedFen).toBe(100 + o2.totalFen);
		// Only operators record repayments.
		expect(
			(
				await caught(
					recordRepayment(b.principal, b.orgId, { amountFen: 1, reference: 'BK-0002' }, late)
				)
			).status
		).toBe(403);
		// The rest across both invoices: the first closes, the second gets the remainder.
		const r2 = await recordRepayment(
			operator.actor,
			b.orgId,
			{ amountFen: 300, reference: 'BK-0002' },
			late
		);
		expect(r2.allocations).toEqual([
			{ invoiceId: invs[0]!.id, amountFen: 100 },
			{ invoiceId: invs[1]!.id, amountFen: 200 }
		]);
		const unblocked = await termsCheckout(b, lotIds[3]!, 500, late);
		expect(unblocked.orders[0]!.state).toBe('paid');

		// Write-off of what is left of the second invoice.
		await writeOffInvoice(operator.actor, invs[1]!.id, { reason: '客户破产' }, late);
		expect(
			(await caught(writeOffInvoice(operator.actor, invs[1]!.id, { reason: 'again' }, late))).status
		).toBe(409);
		expect(
			(await caught(writeOffInvoice(b.principal, invs[1]!.id, { reason: 'x' }, late))).status
		).toBe(403);
		l = await creditLedger(b.orgId);
		expect(l.balanced).toBe(true);
		expect(l.kinds).toEqual([
			'invoice',
			'invoice',
			'repayment',
			'repayment',
			'repayment',
			'write_off'
		]);
		expect(l.receivable).toBe(await owed(b.orgId));
		expect(l.receivable).toBe(0);
		const closed = await db()
			.select()
			.from(tradeInvoices)
			.where(eq(tradeInvoices.buyerOrgId, b.orgId));
		expect(closed.every((i) => i.closedAt !== null)).toBe(true);
	});

	it('a terms order cancelled by the accept SLA leaves the exposure with no money moved', async () => {
		const b = await approvedBuyer(1_000_000, 30);
		const t0 = new Date();
		const o = (await termsCheckout(b, lotIds[0]!, 500, t0)).orders[0]!;
		await moveAt(o.id, 'accept_sla_missed', 'system', new Date(t0.getTime() + 30 * DAY));
		const [acc] = await db()
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, b.orgId));
		expect(acc!.inFlightFen).toBe(0);
		const [m] = await execRows<{ n: number }>(
			sql`select count(*)::int as n from ledger_transactions where order_id = ${o.id}`
		);
		expect(m!.n).toBe(0);
	});
});

describe('reminders', () => {
	it('reminds once before the due date and once overdue, even with two runners at once', async () => {
		const heard: TradeInvoiceReminder[] = [];
		bus().subscribe('test-credit-reminders', [
			{ event: 'trade.invoice.reminder', afterCommit: (e) => void heard.push(e) }
		]);
		const b = await approvedBuyer(1_000_000, 30);
		const t0 = new Date();
		const o = (await termsCheckout(b, lotIds[0]!, 500, t0)).orders[0]!;
		const accept = new Date(t0.getTime() + 10 * 3600_000);
		await releaseAt(o.id, accept);
		const [inv] = await db().select().from(tradeInvoices).where(eq(tradeInvoices.orderId, o.id));
		const due = inv!.dueAt.getTime();
		const mine = () => heard.filter((h) => h.invoiceId === inv!.id).map((h) => h.kind);

		await runCreditTimers(new Date(due - 4 * DAY));
		expect(mine()).toEqual([]);
		await Promise.all([
			runCreditTimers(new Date(due - 2 * DAY)),
			runCreditTimers(new Date(due - 2 * DAY))
		]);
		expect(mine()).toEqual(['before']);
		await runCreditTimers(new Date(due - DAY));
		expect(mine()).toEqual(['before']);
		await Promise.all([
			runCreditTimers(new Date(due + 3600_000)),
			runCreditTimers(new Date(due + 3600_000))
		]);
		expect(mine()).toEqual(['before', 'overdue']);
		const last = heard.find((h) => h.invoiceId === inv!.id && h.kind === 'overdue')!;
		expect(last.buyerOrgId).toBe(b.orgId);
		expect(last.outstandingFen).toBe(o.totalFen);
		await runCreditTimers(new Date(due + 10 * DAY));
		expect(mine()).toEqual(['before', 'overdue']);
	});
});
