import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { shareFen } from '../../src/lib/domain/ledger';
import { db, execRows } from '../../src/lib/server/db';
import { ledgerSales, lots } from '../../src/lib/server/db/schema';
import { settleDue } from '../../src/lib/server/ledger';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, transitionShow, updateShow } from '../../src/lib/server/live/shows';
import {
	claimDefects,
	placeOrder,
	refundLine,
	transitionFulfilment
} from '../../src/lib/server/orders';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';

type A = Awaited<ReturnType<typeof demoActor>>;
let host: A, supplier: A;
let lotIds: string[];

beforeAll(async () => {
	await seedDemoIfEmpty();
	[host, supplier] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.host),
		demoActor(DEMO_ACCOUNTS.supplier1)
	]);
	lotIds = (
		await execRows<{
			id: string;
		}>(sql`select l.id from lots l join users u on u.org_id = l.supplier_id
			where u.email = ${DEMO_ACCOUNTS.supplier1} and l.dropship_allowed order by l.seq limit 3`)
	).map((r) => r.id);
	await db()
		.update(lots)
		.set({ onHand: 100, locked: 0, allocated: 0, status: 'active', commissionBp: 1800 })
		.where(sql`${lots.id} in ${lotIds}`);
});

/** Sum of entries by account kind for one sale line (debits positive). */
async function byKind(saleLineId: string) {
	const rows = await execRows<{ kind: string; fen: string }>(sql`
		select a.kind, sum(e.amount_fen)::text as fen from ledger_entries e
		join ledger_accounts a on a.id = e.account_id
		where e.sale_line_id = ${saleLineId} group by a.kind`);
	return Object.fromEntries(rows.map((r) => [r.kind, Number(r.fen)]));
}

async function unbalanced() {
	const [r] = await execRows<{ n: number }>(sql`select count(*)::int as n from (
		select transaction_id from ledger_entries group by transaction_id having sum(amount_fen) <> 0) x`);
	return r!.n;
}

async function show(deal?: number) {
	const { id } = await createShow(host.actor, {
		title: '结算专场',
		slots: lotIds.map((lotId) => ({ lotId }))
	});
	if (deal) await updateShow(host.actor, id, { commissionBp: deal });
	await transitionShow(host.actor, id, { status: 'live' });
	for (const lotId of lotIds) await acquireLock(host.actor, id, { lotId, quantity: 10 });
	return id;
}

let n = 0;
const order = (showId: string, lotId: string, quantity: number, unitPrice: number) => ({
	externalId: `LEDGER-${Date.now()}-${n++}`,
	showId,
	lines: [{ lotId, quantity, unitPrice }],
	shipTo: {
		name: '周七',
		phone: '13600000000',
		province: '山东省',
		city: '济南市',
		address: '1 号'
	},
	paidAt: new Date().toISOString()
});

it('an order pays into escrow; delivery plus the return window settles it exactly, once', async () => {
	const showId = await show();
	const r = await placeOrder(host.actor, order(showId, lotIds[0]!, 3, 3333));
	const f = r.order.fulfilments[0]!;
	const line = f.lines[0]!;
	expect(line.commissionBp).toBe(1800);
	expect(await byKind(line.id)).toMatchObject({ cash: 9999, escrow: -9999 });
	await transitionFulfilment(supplier.actor, f.id, { action: 'accept' });
	await transitionFulfilment(supplier.actor, f.id, {
		action: 'ship',
		carrier: '顺丰',
		trackingNo: 'SF0000000001'
	});
	const settledAt = async () =>
		(await db().select().from(ledgerSales).where(eq(ledgerSales.saleLineId, line.id)))[0]!
			.settledAt;
	// Not delivered yet: it does not settle, however late the run.
	await settleDue(new Date(Date.now() + 30 * 86_400_000));
	expect(await settledAt()).toBeNull();
	await transitionFulfilment(host.actor, f.id, { action: 'deliver' });
	const [sale] = await db().select().from(ledgerSales).where(eq(ledgerSales.saleLineId, line.id));
	expect(sale!.settleAfter!.getTime() - sale!.deliveredAt!.getTime()).toBe(7 * 86_400_000);
	// Inside the window: still not.
	await settleDue(new Date(Date.now() + 6 * 86_400_000));
	expect(await settledAt()).toBeNull();
	const later = new Date(Date.now() + 8 * 86_400_000);
	await settleDue(later);
	expect(await settledAt()).not.toBeNull();
	const commission = shareFen(9999, 1800);
	const fee = shareFen(9999, 300);
	expect(await byKind(line.id)).toMatchObject({
		escrow: 0,
		host_payable: -commission,
		platform_revenue: -fee,
		supplier_payable: -(9999 - commission - fee)
	});
	expect((await settleDue(later)).settled).toBe(0);
	expect(await unbalanced()).toBe(0);
});

it('an order of several lines is one payment: cash in once, escrow line by line; a cancelled line refunds only its own', async () => {
	const showId = await show();
	const body = order(showId, lotIds[0]!, 2, 1500);
	body.lines.push({ lotId: lotIds[1]!, quantity: 1, unitPrice: 2000 });
	const r = await placeOrder(host.actor, body);
	const lines = r.order.fulfilments.flatMap((f) => f.lines);
	expect(lines).toHaveLength(2);
	const txns = await execRows<{ kind: string; sale_line_id: string | null; entries: number }>(sql`
		select t.kind::text as kind, t.sale_line_id, count(e.id)::int as entries
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${r.order.id} group by t.id`);
	expect(txns).toEqual([{ kind: 'payment', sale_line_id: null, entries: 3 }]);
	const [a, b] = [
		lines.find((l) => l.lotId === lotIds[0])!,
		lines.find((l) => l.lotId === lotIds[1])!
	];
	expect(await byKind(a.id)).toEqual({ escrow: -3000 });
	expect(await byKind(b.id)).toEqual({ escrow: -2000 });
	const [cash] = await execRows<{ fen: string }>(sql`
		select sum(e.amount_fen)::text as fen from ledger_entries e
		where e.order_id = ${r.order.id} and e.account_kind = 'cash'`);
	expect(Number(cash!.fen)).toBe(5000);
	// Both lines are one supplier's parcel: cancelling it refunds each line from its own escrow.
	await transitionFulfilment(supplier.actor, r.order.fulfilments[0]!.id, { action: 'cancel' });
	expect((await byKind(a.id)).escrow ?? 0).toBe(0);
	expect((await byKind(b.id)).escrow ?? 0).toBe(0);
	expect(await unbalanced()).toBe(0);
});

it('a show deal sets the commission; cancel and out of stock refund in full; a partial refund cuts commission', async () => {
	const showId = await show(2000);
	const a = await placeOrder(host.actor, order(showId, lotIds[1]!, 2, 5000));
	const la = a.order.fulfilments[0]!.lines[0]!;
	expect(la.commissionBp).toBe(2000);
	await transitionFulfilment(host.actor, a.order.fulfilments[0]!.id, { action: 'cancel' });
	expect(await byKind(la.id)).toMatchObject({ cash: 0, escrow: 0 });

	const b = await placeOrder(host.actor, order(showId, lotIds[1]!, 1, 5000));
	const fb = b.order.fulfilments[0]!;
	await transitionFulfilment(supplier.actor, fb.id, { action: 'out_of_stock', note: '缺货' });
	expect(await byKind(fb.lines[0]!.id)).toMatchObject({ escrow: 0 });

	const c = await placeOrder(host.actor, order(showId, lotIds[2]!, 2, 5000));
	const fc = c.order.fulfilments[0]!;
	const lc = fc.lines[0]!;
	await refundLine(host.actor, fc.id, { lineId: lc.id, amountFen: 2500, refId: 'DY-RF-1' });
	await refundLine(host.actor, fc.id, { lineId: lc.id, amountFen: 2500, refId: 'DY-RF-1' }); // repeat
	await transitionFulfilment(supplier.actor, fc.id, { action: 'accept' });
	await transitionFulfilment(supplier.actor, fc.id, {
		action: 'ship',
		carrier: '圆通',
		trackingNo: 'YT0000000002'
	});
	await transitionFulfilment(host.actor, fc.id, { action: 'deliver' });
	await settleDue(new Date(Date.now() + 8 * 86_400_000));
	const net = 10000 - 2500;
	expect(await byKind(lc.id)).toMatchObject({
		escrow: 0,
		host_payable: -shareFen(net, 2000),
		platform_revenue: -shareFen(net, 300)
	});
	// After settlement a return claws the rest back from everyone.
	const tooLate = await refundLine(host.actor, fc.id, {
		lineId: lc.id,
		amountFen: 9000,
		refId: 'DY-RF-2'
	}).catch((e: { code?: string }) => e.code);
	expect(tooLate).toBe('refund_too_large');
	await transitionFulfilment(host.actor, fc.id, { action: 'return' });
	expect(await byKind(lc.id)).toMatchObject({
		host_payable: 0,
		platform_revenue: 0,
		supplier_payable: 0
	});
	// A supplier cannot record refunds.
	const denied = await refundLine(supplier.actor, fc.id, {
		lineId: lc.id,
		amountFen: 1,
		refId: 'x'
	}).catch((e: { status?: number }) => e.status);
	expect(denied).toBe(403);
	expect(await unbalanced()).toBe(0);
});

it('replacement freight is charged to the supplier; the replacement itself moves no money', async () => {
	const showId = await show();
	const r = await placeOrder(host.actor, order(showId, lotIds[0]!, 4, 2000));
	const f = r.order.fulfilments[0]!;
	await transitionFulfilment(supplier.actor, f.id, { action: 'accept' });
	await transitionFulfilment(supplier.actor, f.id, {
		action: 'ship',
		carrier: '中通',
		trackingNo: 'ZT0000000003'
	});
	await transitionFulfilment(host.actor, f.id, { action: 'deliver' });
	const claim = await claimDefects(host.actor, f.id, { severePieces: 3, photos: ['1', '2', '3'] });
	expect(claim.freightChargeFen).toBeGreaterThan(0);
	const [charge] = await execRows<{ fen: string }>(sql`
		select sum(e.amount_fen)::text as fen from ledger_entries e join ledger_accounts a on a.id = e.account_id
		join ledger_transactions t on t.id = e.transaction_id
		where t.kind = 'supplier_charge' and t.ref_id = ${'claim:' + claim.claimId} and a.kind = 'supplier_payable'`);
	expect(Number(charge!.fen)).toBe(claim.freightChargeFen);
	const rep = claim.replacement!;
	await transitionFulfilment(supplier.actor, rep.id, { action: 'accept' });
	await transitionFulfilment(supplier.actor, rep.id, {
		action: 'ship',
		carrier: '中通',
		trackingNo: 'ZT0000000004'
	});
	await transitionFulfilment(host.actor, rep.id, { action: 'deliver' });
	expect(await byKind(rep.lines[0]!.id)).toEqual({});
	expect(await unbalanced()).toBe(0);
});
