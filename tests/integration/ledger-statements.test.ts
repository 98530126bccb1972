import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { shareFen, split } from '../../src/lib/domain/ledger';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { db } from '../../src/lib/server/db';
import { orgs } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import {
	cancelPayout,
	createPayout,
	hostEarnings,
	listPayouts,
	markPayoutPaid,
	platformRevenue,
	recordDelivered,
	recordPayment,
	recordRefund,
	recordSupplierCharge,
	settleDue,
	statement,
	statementCsv,
	statementXlsx,
	supplierReceivables
} from '../../src/lib/server/ledger';
import { GET as revenueRoute } from '../../src/routes/api/v1/ledger/revenue/+server';
import { GET as statementRoute } from '../../src/routes/api/v1/ledger/statements/[orgId]/+server';
import { POST as payoutRoute } from '../../src/routes/api/v1/ledger/payouts/+server';
import { saleLine } from '../helpers/ledger';
import { makeMember, makeUser } from '../helpers/users';
import {
	sessionPrincipal,
	tokenPrincipal,
	type Principal
} from '../../src/lib/server/auth/principal';

type U = { user: SessionUser; orgId: string | null };
let hostA: U, hostB: U, assistantA: U, supplier: U, buyer: U, operator: U;
const as = (u: U): Principal => sessionPrincipal(u.user);

// September 2026 (China time): paid on the 3rd, delivered on the 5th, settled on the 20th.
const PAID = new Date('2026-09-03T04:00:00Z');
const DELIVERED = new Date('2026-09-05T04:00:00Z');
const SETTLE = new Date('2026-09-20T04:00:00Z');
const lineIds: string[] = [];

beforeAll(async () => {
	hostA = await makeUser('host', { orgName: '小鹿直播间' });
	hostB = await makeUser('host', { orgName: '别家直播间' });
	assistantA = await makeMember('assistant', hostA.orgId);
	supplier = await makeUser('supplier_staff', { orgName: '广州衣尚服饰' });
	buyer = await makeUser('buyer');
	const [platform] = await db().insert(orgs).values({ kind: 'platform', name: '平台' }).returning();
	operator = await makeMember('operator', platform!.id);

	// Host A sells three lines; one is refunded in part before settlement.
	const orderId = randomUUID();
	const showId = null;
	const lines = [35_000, 12_345, 9_900].map((grossFen, i) =>
		saleLine(orderId, {
			supplierOrgId: supplier.orgId!,
			hostTeamId: hostA.orgId!,
			grossFen,
			commissionBp: [1500, 1800, 2000][i]!,
			showId
		})
	);
	lineIds.push(...lines.map((l) => l.saleLineId));
	await db().transaction(async (tx) => {
		await recordPayment(tx, { orderId, paidAt: PAID, lines });
		await recordDelivered(tx, {
			saleLineIds: lineIds,
			deliveredAt: DELIVERED,
			returnWindowDays: 7
		});
		await recordRefund(tx, {
			saleLineId: lineIds[1]!,
			amountFen: 2345,
			reason: 'defect',
			refId: 'defect-1',
			at: new Date('2026-09-06T04:00:00Z')
		});
	});
	await settleDue(SETTLE);
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

const event = (u: U, extra: Record<string, unknown> = {}) =>
	({
		locals: { principal: as(u), user: u.user, apiLocale: 'en', locale: 'en', requestId: 'test' },
		url: new URL('http://lotlive.test/api/v1/ledger'),
		params: {},
		...extra
	}) as never;

const commissionA = shareFen(35_000, 1500) + shareFen(10_000, 1800) + shareFen(9_900, 2000);

describe('statements', () => {
	it('lists every line of the month with a running balance, and carries it into the next', async () => {
		const sep = await statement(as(hostA), hostA.orgId!, { month: '2026-09' });
		expect(sep.account).toBe('host_payable');
		expect(sep.openingFen).toBe(0);
		expect(sep.lines.map((l) => l.kind)).toEqual(['settlement', 'settlement', 'settlement']);
		expect(sep.closingFen).toBe(commissionA);
		expect(sep.lines.at(-1)!.balanceFen).toBe(commissionA);
		expect(sep.lines.every((l) => l.orderId && l.saleLineId && l.lotId)).toBe(true);

		// A return after settlement (in October) claws commission back on the next statement.
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: lineIds[0]!,
				amountFen: 10_000,
				reason: 'return',
				refId: 'return-1',
				at: new Date('2026-10-02T04:00:00Z')
			})
		);
		const oct = await statement(as(hostA), hostA.orgId!, { month: '2026-10' });
		expect(oct.openingFen).toBe(commissionA);
		expect(oct.lines).toHaveLength(1);
		expect(oct.lines[0]).toMatchObject({ kind: 'clawback', refId: 'return-1', memo: 'return' });
		const back = shareFen(35_000, 1500) - shareFen(25_000, 1500);
		expect(oct.lines[0]!.owedFen).toBe(-back);
		expect(oct.closingFen).toBe(commissionA - back);
		expect(oct.totals.clawback).toBe(-back);
		// A from/to range inside September sees only what happened in it.
		const range = await statement(as(hostA), hostA.orgId!, {
			from: '2026-09-21',
			to: '2026-09-30'
		});
		expect(range.openingFen).toBe(commissionA);
		expect(range.lines).toHaveLength(0);
	});

	it('shows the supplier its share and the charges against it', async () => {
		await db().transaction((tx) =>
			recordSupplierCharge(tx, {
				supplierOrgId: supplier.orgId!,
				amountFen: 1600,
				reason: '补发运费',
				refId: 'freight-9',
				at: new Date('2026-09-25T04:00:00Z')
			})
		);
		const s = await statement(as(supplier), supplier.orgId!, { month: '2026-09' });
		const expected = [35_000, 10_000, 9_900].map((net, i) =>
			split(net, [1500, 1800, 2000][i]!, 300)
		);
		expect(s.totals.settlement).toBe(expected.reduce((a, x) => a + x.supplierFen, 0));
		expect(s.totals.supplier_charge).toBe(-1600);
		expect(s.lines.at(-1)).toMatchObject({
			kind: 'supplier_charge',
			memo: '补发运费',
			owedFen: -1600
		});
	});

	it('exports CSV and XLSX with the same lines and balances', async () => {
		const s = await statement(as(hostA), hostA.orgId!, { month: '2026-09' });
		const csv = statementCsv(s, 'zh-CN');
		expect(csv.startsWith('\ufeff日期,类型,订单')).toBe(true);
		const rows = csv.trim().split('\r\n');
		expect(rows).toHaveLength(1 + 1 + s.lines.length + 1);
		expect(rows.at(-1)).toContain((commissionA / 100).toFixed(2));
		expect(rows[2]).toContain('结算');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await statementXlsx(s, 'en')) as never);
		const ws = wb.worksheets[0]!;
		expect(ws.getRow(2).getCell(1).value).toBe('Date');
		expect(ws.getRow(ws.rowCount).getCell(9).value).toBe(commissionA / 100);
		expect(ws.getRow(4).getCell(2).value).toBe('Settlement');
	});

	it('lets a team member read the team statement, and nobody else but the operator', async () => {
		await expect(
			statement(as(assistantA), hostA.orgId!, { month: '2026-09' })
		).resolves.toBeTruthy();
		await expect(statement(as(operator), hostA.orgId!, { month: '2026-09' })).resolves.toBeTruthy();
		expect((await caught(statement(as(hostB), hostA.orgId!))).status).toBe(403);
		expect((await caught(statement(as(supplier), hostA.orgId!))).status).toBe(403);
		expect((await caught(statement(as(buyer), hostA.orgId!))).status).toBe(403);
		expect((await caught(statement(as(hostA), supplier.orgId!))).status).toBe(403);
		expect((await caught(statement(as(operator), randomUUID()))).status).toBe(404);
		expect((await caught(statement(as(operator), 'nope'))).status).toBe(404);
		const bad = await caught(statement(as(hostA), hostA.orgId!, { month: '2026-13' }));
		expect(bad.toJSON().error).toMatchObject({ code: 'invalid_input', field: 'month' });
		// An organisation's API token reads its own organisation only.
		const token = (orgId: string, orgKind: string): Principal =>
			tokenPrincipal({ tokenId: randomUUID(), orgId, orgKind });
		await expect(statement(token(hostA.orgId!, 'host_team'), hostA.orgId!)).resolves.toBeTruthy();
		expect((await caught(statement(token(hostB.orgId!, 'host_team'), hostA.orgId!))).status).toBe(
			403
		);
		// Through the API route: 403 with the error body, 200 for the team.
		const res = await statementRoute(event(hostB, { params: { orgId: hostA.orgId } }));
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({
			error: { code: 'forbidden', message: 'You may not see this organisation’s accounts.' }
		});
		const ok = await statementRoute(event(assistantA, { params: { orgId: hostA.orgId } }));
		expect(ok.status).toBe(200);
	});

	it('shows platform revenue to the operator only', async () => {
		const res = await revenueRoute(event(supplier));
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('forbidden');
		expect((await revenueRoute(event(hostA))).status).toBe(403);
		const r = await platformRevenue(as(operator));
		const fees = [35_000, 10_000, 9_900].reduce((a, net) => a + shareFen(net, 300), 0);
		expect(r.byMonth.find((m) => m.month === '2026-09')!.feeFen).toBe(fees);
		expect(r.escrowFen).toBe(0);
		expect(r.parties.map((p) => p.orgId)).toEqual(
			expect.arrayContaining([hostA.orgId, supplier.orgId])
		);
	});
});

describe('payouts', () => {
	it('pays out a balance with a reference: payable → cash, once', async () => {
		const before = await statement(as(hostA), hostA.orgId!, { month: '2026-10' });
		const owed = before.closingFen;
		expect((await caught(createPayout(as(hostA), { orgId: hostA.orgId }))).status).toBe(403);
		const res = await payoutRoute(
			event(supplier, {
				request: new Request('http://x', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ orgId: supplier.orgId })
				})
			})
		);
		expect(res.status).toBe(403);
		const p = await createPayout(as(operator), { orgId: hostA.orgId });
		expect(p).toMatchObject({ amountFen: owed, status: 'pending' });
		// Everything is covered by the pending payout: nothing more can be paid out.
		const more = await caught(createPayout(as(operator), { orgId: hostA.orgId, amountFen: 1 }));
		expect(more.toJSON().error).toMatchObject({ code: 'payout_exceeds_balance', availableFen: 0 });
		expect((await caught(markPayoutPaid(as(hostA), p.id, { reference: 'x' }))).status).toBe(403);
		const blank = await caught(markPayoutPaid(as(operator), p.id, { reference: ' ' }));
		expect(blank.field).toBe('reference');
		const paid = await markPayoutPaid(as(operator), p.id, { reference: 'ICBC-20261020-001' });
		expect(paid).toMatchObject({ status: 'paid', reference: 'ICBC-20261020-001' });
		expect(await markPayoutPaid(as(operator), p.id, { reference: 'ICBC-20261020-001' })).toEqual(
			paid
		);
		expect((await caught(markPayoutPaid(as(operator), p.id, { reference: 'other' }))).status).toBe(
			409
		);
		const now = new Date();
		const after = await statement(as(hostA), hostA.orgId!, {
			from: '2026-09-01',
			to: new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
		});
		expect(after.closingFen).toBe(0);
		const line = after.lines.find((l) => l.kind === 'payout')!;
		expect(line).toMatchObject({ refId: 'ICBC-20261020-001', owedFen: -owed, balanceFen: 0 });
		expect((await listPayouts(as(assistantA))).map((x) => x.id)).toEqual([p.id]);
		expect(await listPayouts(as(hostB))).toEqual([]);
	});

	it('refuses to pay a payout the balance no longer covers (a claw-back came in between)', async () => {
		const p = await createPayout(as(operator), { orgId: supplier.orgId });
		await db().transaction((tx) =>
			recordRefund(tx, {
				saleLineId: lineIds[2]!,
				amountFen: 9900,
				reason: 'return',
				refId: 'return-2',
				at: new Date('2026-10-03T04:00:00Z')
			})
		);
		const e = await caught(markPayoutPaid(as(operator), p.id, { reference: 'late' }));
		expect(e.status).toBe(422);
		expect(e.code).toBe('payout_exceeds_balance');
		await cancelPayout(as(operator), p.id);
	});

	it('cancels a pending payout and frees the balance again', async () => {
		const p = await createPayout(as(operator), { orgId: supplier.orgId, amountFen: 100 });
		expect((await cancelPayout(as(operator), p.id)).status).toBe('cancelled');
		expect((await caught(cancelPayout(as(operator), p.id))).status).toBe(409);
		expect((await caught(markPayoutPaid(as(operator), p.id, { reference: 'r' }))).status).toBe(409);
	});
});

describe('earnings and receivables', () => {
	it('splits a host team’s commission into pending and settled', async () => {
		const orderId = randomUUID();
		const open = [
			saleLine(orderId, {
				supplierOrgId: supplier.orgId!,
				hostTeamId: hostA.orgId!,
				grossFen: 3333,
				commissionBp: 1800
			}),
			saleLine(orderId, {
				supplierOrgId: supplier.orgId!,
				hostTeamId: hostA.orgId!,
				grossFen: 7777,
				commissionBp: 1600
			})
		];
		const now = new Date();
		await db().transaction(async (tx) => {
			await recordPayment(tx, { orderId, paidAt: now, lines: open });
			await recordDelivered(tx, {
				saleLineIds: [open[0]!.saleLineId],
				deliveredAt: now,
				returnWindowDays: 7
			});
		});
		const e = await hostEarnings(as(assistantA), { now });
		const pending = shareFen(3333, 1800) + shareFen(7777, 1600);
		expect(e.pendingFen).toBe(pending);
		expect(e.today.pendingFen).toBe(pending);
		expect(e.today.salesFen).toBe(3333 + 7777);
		// Settled: the three lines, less the two returns after settlement (claw-backs).
		const clawedBack = shareFen(35_000, 1500) - shareFen(25_000, 1500) + shareFen(9_900, 2000);
		expect(e.settledFen).toBe(commissionA - clawedBack);
		// Everything was paid out before the second return: the team now owes it back.
		expect(e.balanceFen).toBe(-shareFen(9_900, 2000));
		expect(e.chart).toHaveLength(30);
		expect(e.chart.at(-1)!.pendingFen).toBe(pending);
		expect(e.shows[0]).toMatchObject({ showId: null, lines: 5 });
		expect((await caught(hostEarnings(as(hostB), { teamId: hostA.orgId! }))).status).toBe(403);
		expect((await caught(hostEarnings(as(supplier)))).status).toBe(403);

		const r = await supplierReceivables(as(supplier));
		const share = (g: number, bp: number) => split(g, bp, 300).supplierFen;
		expect(r.pendingFen).toBe(share(3333, 1800) + share(7777, 1600));
		expect(r.undeliveredFen).toBe(share(7777, 1600));
		expect(r.upcoming).toHaveLength(1);
		expect(r.upcoming[0]).toMatchObject({ lines: 1, amountFen: share(3333, 1800) });
		expect((await caught(supplierReceivables(as(hostA)))).status).toBe(403);
	});
});
