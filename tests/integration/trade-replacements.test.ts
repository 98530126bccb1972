// Replacement shipments and restock on return (issue 20; src/lib/server/trade/replacements.ts,
// disputes.ts), against the real services, the stock counters and the ledger, with an injected
// clock: a return restocks once (a confirmation racing two timer runners), an exchange's frozen
// escrow waits for the replacement (shipped → released, missed → refunded), the severe-defect
// rule holds the severe pieces' value through acceptance and the automatic release, and bad
// input (someone else's order, wrong side, wrong state, bad tracking, no stock) is refused
// with nothing half-written.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import {
	lots,
	tradeParcels,
	tradeRefunds,
	tradeReplacementLines,
	tradeReplacements
} from '../../src/lib/server/db/schema';
import type { Principal } from '../../src/lib/server/auth/principal';
import { AppError } from '../../src/lib/server/errors';
import { bus } from '../../src/lib/server/events/bus';
import type { TradeOrderChanged } from '../../src/lib/server/events/map';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import {
	acceptAndRelease,
	getOrder,
	recordInspection,
	runTradeTimers,
	startInspection
} from '../../src/lib/server/trade';
import { actOnDispute, fileDispute, runDisputeTimers } from '../../src/lib/server/trade/disputes';
import { runReplacementTimers, shipReplacement } from '../../src/lib/server/trade/replacements';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { apiSignIn } from '../helpers/processes';
import {
	arrivedOrder,
	collectMoney,
	counters,
	escrowByItem,
	money,
	orderRow,
	supplierLots
} from '../helpers/trade';

const MIN = 60_000;
const H = 60 * MIN;
const P = DEFAULT_TRADE_POLICY;
let epoch = new Date('2045-01-01T00:00:00Z').getTime();
const nextEpoch = () => new Date((epoch += 365 * 24 * H));
const at = (t: Date, hours: number) => new Date(t.getTime() + hours * H);

let buyer: Principal;
let stranger: Principal;
let supplier: Principal;
let otherSupplier: Principal;
let lotA: { id: string };
let lotB: { id: string };
const orderEvents: TradeOrderChanged[] = [];
let trackingSeq = 0;
const tracking = () => `SF${String(1_000_000_000 + ++trackingSeq)}`;

async function twoLineOrder(arrivedAt: Date) {
	return arrivedOrder({
		buyerOrgId: buyer.orgId!,
		supplierId: supplier.orgId!,
		createdAt: at(arrivedAt, -10),
		arrivedAt,
		freightFen: 30_000,
		lines: [
			{ lotId: lotA.id, quantity: 10, unitPriceFen: 1_000 },
			{ lotId: lotB.id, quantity: 20, unitPriceFen: 777 }
		]
	});
}

async function refused(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

async function replacementsOf(orderId: string) {
	return db().select().from(tradeReplacements).where(eq(tradeReplacements.orderId, orderId));
}

/** Every ledger transaction of the order balances; per escrow item what is still held. */
async function ledgerOf(orderId: string) {
	const tx = await execRows<{ sum: string | number }>(
		sql`select sum(e.amount_fen)::bigint as sum
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${orderId} group by t.id`
	);
	expect(tx.length).toBeGreaterThan(0);
	for (const r of tx) expect(Number(r.sum)).toBe(0);
}

async function chargeOf(replacementId: string) {
	return execRows<{ amount: string | number }>(
		sql`select sum(e.amount_fen)::bigint as amount
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.idempotency_key = ${`charge:trade-replacement:${replacementId}`}
		and e.account_kind = 'supplier_payable'`
	);
}

/** Paid in = released + refunded over the order, and nothing left in escrow. */
function expectSettled(orderId: string) {
	for (const [, v] of escrowByItem(orderId)) expect(v).toBe(0);
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	collectMoney();
	bus().subscribe('test-replacement-order-changed', [
		{ event: 'trade.order.changed', afterCommit: (e) => void orderEvents.push(e) }
	]);
	buyer = (await demoActor(DEMO_ACCOUNTS.buyer2)).actor;
	stranger = (await demoActor(DEMO_ACCOUNTS.buyer1)).actor;
	supplier = (await demoActor(DEMO_ACCOUNTS.supplier2)).actor;
	otherSupplier = (await demoActor(DEMO_ACCOUNTS.supplier1)).actor;
	const l = await supplierLots(supplier.orgId!, 2, 1_000_000);
	lotA = l[0]!;
	lotB = l[1]!;
	await runTradeTimers(new Date('2044-12-31T00:00:00Z'), 10_000);
	await runDisputeTimers(new Date('2044-12-31T00:00:00Z'), 10_000);
	await runReplacementTimers(new Date('2044-12-31T00:00:00Z'), 10_000);
}, 120_000);

describe('restock on return', () => {
	it('a confirmation racing two timer runners puts the affected pieces back once', async () => {
		const t = nextEpoch();
		const o = await twoLineOrder(t);
		const d = await fileDispute(
			buyer,
			o.id,
			{
				lines: [
					{ lineId: o.lineIds[0]!, quantity: 3, problem: 'damaged', lossBp: 10000 },
					{ lineId: o.lineIds[1]!, quantity: 2, problem: 'wrong_item', lossBp: 10000 }
				],
				remedy: 'return_and_refund'
			},
			at(t, 1),
			P
		);
		await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 2), P);
		await actOnDispute(
			buyer,
			d.id,
			{ action: { type: 'ship_back' }, carrier: 'SF', trackingNo: 'SF998877665' },
			at(t, 3),
			P
		);
		const before = [await counters(o.lotIds[0]!), await counters(o.lotIds[1]!)];
		const assumed = at(t, 3 + P.disputes.returnAssumedReceivedHours);
		const results = await Promise.allSettled([
			actOnDispute(supplier, d.id, { action: { type: 'confirm_return' } }, assumed, P),
			runDisputeTimers(assumed, 1000, P),
			runDisputeTimers(assumed, 1000, P)
		]);
		// The confirmation came at the deadline: it is refused, and a timer closes the dispute —
		// in this race, or at the next tick when both runners passed over the row while the
		// refused confirmation held its lock (SKIP LOCKED).
		expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
		await runDisputeTimers(assumed, 1000, P);
		const after = [await counters(o.lotIds[0]!), await counters(o.lotIds[1]!)];
		// lineIds[i] is the line of lotIds[i]: 3 pieces of the first, 2 of the second.
		expect(after[0]!.onHand - before[0]!.onHand).toBe(3);
		expect(after[1]!.onHand - before[1]!.onHand).toBe(2);
		expect(after.map((c) => c.allocated)).toEqual(before.map((c) => c.allocated));
		// Closing again is refused and restocks nothing.
		const again = await refused(
			actOnDispute(supplier, d.id, { action: { type: 'confirm_return' } }, at(assumed, 1), P)
		);
		expect(again.status).toBe(409);
		expect(await counters(o.lotIds[0]!)).toEqual(after[0]);
		expectSettled(o.id);
		await ledgerOf(o.id);
	});

	it('the supplier’s confirmation restocks; a return never shipped back does not', async () => {
		const t = nextEpoch();
		const o = await twoLineOrder(t);
		const lineA = o.lineIds[o.lotIds.indexOf(lotA.id)]!;
		const d = await fileDispute(
			buyer,
			o.id,
			{
				lines: [{ lineId: lineA, quantity: 4, problem: 'damaged', lossBp: 10000 }],
				remedy: 'return_and_refund'
			},
			at(t, 1),
			P
		);
		await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 2), P);
		await actOnDispute(
			buyer,
			d.id,
			{ action: { type: 'ship_back' }, carrier: 'SF', trackingNo: 'SF998877001' },
			at(t, 3),
			P
		);
		const before = await counters(lotA.id);
		await Promise.all([
			actOnDispute(supplier, d.id, { action: { type: 'confirm_return' } }, at(t, 30), P),
			runDisputeTimers(at(t, 30), 1000, P)
		]);
		expect((await counters(lotA.id)).onHand - before.onHand).toBe(4);

		const t2 = nextEpoch();
		const o2 = await twoLineOrder(t2);
		const lineA2 = o2.lineIds[o2.lotIds.indexOf(lotA.id)]!;
		const d2 = await fileDispute(
			buyer,
			o2.id,
			{
				lines: [{ lineId: lineA2, quantity: 4, problem: 'damaged', lossBp: 10000 }],
				remedy: 'return_and_refund'
			},
			at(t2, 1),
			P
		);
		await actOnDispute(supplier, d2.id, { action: { type: 'accept' } }, at(t2, 2), P);
		const before2 = await counters(lotA.id);
		await runDisputeTimers(at(t2, 2 + P.disputes.returnShipHours), 1000, P);
		expect(await counters(lotA.id)).toEqual(before2);
	});
});

/** An order with an exchange closed by the supplier's acceptance (2 pieces of line A). */
async function exchanged() {
	const t = nextEpoch();
	const o = await twoLineOrder(t);
	const lineA = o.lineIds[o.lotIds.indexOf(lotA.id)]!;
	const d = await fileDispute(
		buyer,
		o.id,
		{
			lines: [{ lineId: lineA, quantity: 2, problem: 'damaged', lossBp: 10000 }],
			remedy: 'exchange'
		},
		at(t, 1),
		P
	);
	const closed = await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 2), P);
	const [r] = await replacementsOf(o.id);
	return { t, o, d: closed, r: r!, lineA };
}

describe('exchange', () => {
	it('holds the frozen escrow until the replacement ships, then releases it less the fee', async () => {
		const { t, o, d, r, lineA } = await exchanged();
		expect([d.state, d.outcomeKind]).toEqual(['closed', 'exchange']);
		expect((await orderRow(o.id)).state).toBe('resolved');
		expect([r.source, r.state, r.pieces, r.heldFen, r.disputeId]).toEqual([
			'exchange',
			'due',
			2,
			d.frozenFen,
			d.id
		]);
		expect(r.dueAt).toEqual(at(t, 2 + P.inspection.replacementDueHours));
		// Nothing released for the line yet.
		expect(escrowByItem(o.id).get(lineA)).toBe(-d.frozenFen);
		expect(money.filter((m) => m.key === `trade:${o.id}:dispute-release`)).toHaveLength(0);
		// Both sides see it on the order view, with the deadline.
		for (const who of [buyer, supplier]) {
			const v = await getOrder(who, o.id);
			expect(v.replacements.map((x) => [x.state, x.dueAt])).toEqual([
				['due', r.dueAt.toISOString()]
			]);
		}

		// Bad input first: nothing is written.
		const stockBefore = await counters(lotA.id);
		const body = { parcels: [{ carrier: 'SF', trackingNo: tracking(), cartons: 1 }] };
		const notYours = await refused(shipReplacement(otherSupplier, o.id, r.id, body, at(t, 3)));
		expect([notYours.status, notYours.code]).toEqual([404, 'not_found']);
		const strangerE = await refused(shipReplacement(stranger, o.id, r.id, body, at(t, 3)));
		expect(strangerE.status).toBe(404);
		const byBuyer = await refused(shipReplacement(buyer, o.id, r.id, body, at(t, 3)));
		expect([byBuyer.status, byBuyer.code]).toEqual([403, 'wrong_actor']);
		const otherId = await refused(
			shipReplacement(supplier, o.id, '00000000-0000-4000-8000-000000000000', body, at(t, 3))
		);
		expect([otherId.status, otherId.field]).toEqual([404, 'replacementId']);
		const badTracking = await refused(
			shipReplacement(
				supplier,
				o.id,
				r.id,
				{ parcels: [{ carrier: 'SF', trackingNo: '12', cartons: 1 }] },
				at(t, 3)
			)
		);
		expect([badTracking.status, badTracking.field]).toEqual([422, 'parcels.0.trackingNo']);
		const badCarrier = await refused(
			shipReplacement(
				supplier,
				o.id,
				r.id,
				{ parcels: [{ carrier: 'nobody', trackingNo: tracking() }] },
				at(t, 3)
			)
		);
		expect([badCarrier.status, badCarrier.field]).toEqual([400, 'parcels.0.carrier']);
		expect(await counters(lotA.id)).toEqual(stockBefore);
		expect((await replacementsOf(o.id))[0]!.state).toBe('due');

		const seen = orderEvents.length;
		const versionBefore = (await orderRow(o.id)).version;
		const shipped = await shipReplacement(supplier, o.id, r.id, body, at(t, 3));
		expect([shipped.state, shipped.releasedFen, shipped.refundedFen]).toEqual([
			'shipped',
			r.heldFen,
			0
		]);
		// Pieces taken from free stock, out of the warehouse.
		const stockAfter = await counters(lotA.id);
		expect(stockAfter.onHand).toBe(stockBefore.onHand - 2);
		expect(stockAfter.allocated).toBe(stockBefore.allocated);
		// Released, fee taken; the order's escrow is settled; the freight charged to the supplier.
		const release = money.filter((m) => m.key === `trade:${o.id}:replacement-release:exchange`);
		expect(release).toHaveLength(1);
		expectSettled(o.id);
		await ledgerOf(o.id);
		// 30 000 freight over 30 pieces, 2 replaced → 2 000.
		expect(shipped.freightChargeFen).toBe(2_000);
		expect((await chargeOf(r.id)).map((x) => Number(x.amount))).toEqual([2_000]);
		// The parcel is a replacement parcel, the order view shows it, the change was pushed.
		const parcels = await db()
			.select()
			.from(tradeParcels)
			.where(eq(tradeParcels.replacementId, r.id));
		expect(parcels.map((x) => [x.replacement, x.trackingNo])).toEqual([
			[true, body.parcels[0]!.trackingNo]
		]);
		const v = await getOrder(buyer, o.id);
		expect(v.version).toBe(versionBefore + 1);
		expect(v.replacements[0]!.parcels).toHaveLength(1);
		expect(orderEvents.slice(seen).some((e) => e.id === o.id && e.version === v.version)).toBe(
			true
		);
		// Twice: refused, nothing more.
		const twice = await refused(
			shipReplacement(
				supplier,
				o.id,
				r.id,
				{ parcels: [{ carrier: 'SF', trackingNo: tracking() }] },
				at(t, 4)
			)
		);
		expect([twice.status, twice.code]).toEqual([409, 'trade_state']);
		// The deadline job finds nothing to do.
		await runReplacementTimers(at(t, 1000), 1000);
		expect((await replacementsOf(o.id))[0]!.state).toBe('shipped');
	});

	it('a missed deadline refunds the frozen escrow to the buyer, once, not a second early', async () => {
		const { o, d, r, lineA } = await exchanged();
		const due = r.dueAt;
		await runReplacementTimers(new Date(due.getTime() - 1000), 1000);
		expect((await replacementsOf(o.id))[0]!.state).toBe('due');
		const late = await refused(
			shipReplacement(
				supplier,
				o.id,
				r.id,
				{ parcels: [{ carrier: 'SF', trackingNo: tracking() }] },
				due
			)
		);
		expect([late.status, late.code]).toEqual([409, 'deadline_passed']);
		await Promise.all([runReplacementTimers(due, 1000), runReplacementTimers(due, 1000)]);
		const [after] = await replacementsOf(o.id);
		expect([after!.state, after!.refundedFen, after!.releasedFen]).toEqual([
			'missed',
			d.frozenFen,
			0
		]);
		expect(money.filter((m) => m.key === `trade:${o.id}:replacement-refund:exchange`)).toHaveLength(
			1
		);
		expect(escrowByItem(o.id).get(lineA)).toBe(0);
		expectSettled(o.id);
		await ledgerOf(o.id);
		const refunds = await db()
			.select()
			.from(tradeRefunds)
			.where(eq(tradeRefunds.idempotencyKey, `trade:${o.id}:replacement-refund:exchange`));
		expect(refunds.map((x) => [x.amountFen, x.status])).toEqual([[d.frozenFen, 'pending']]);
		expect(await chargeOf(r.id)).toEqual([{ amount: null }]);
	});

	it('not enough free stock: 409 with what is available, nothing written', async () => {
		const { t, o, r } = await exchanged();
		const before = await counters(lotA.id);
		// Everything else is sold elsewhere: no free units (test-only counters).
		await db()
			.update(lots)
			.set({ onHand: before.locked + before.allocated + 1 })
			.where(eq(lots.id, lotA.id));
		const e = await refused(
			shipReplacement(
				supplier,
				o.id,
				r.id,
				{ parcels: [{ carrier: 'SF', trackingNo: tracking() }] },
				at(t, 3)
			)
		);
		expect([e.status, e.code, e.details?.available]).toEqual([409, 'insufficient_stock', 1]);
		expect((await replacementsOf(o.id))[0]!.state).toBe('due');
		expect(
			await db().select().from(tradeParcels).where(eq(tradeParcels.replacementId, r.id))
		).toHaveLength(0);
		await db().update(lots).set({ onHand: before.onHand }).where(eq(lots.id, lotA.id));
	});
});

/** An inspecting order whose line A has 3 severe pieces recorded (the rule met). */
async function severe() {
	const t = nextEpoch();
	const o = await twoLineOrder(t);
	const v = await startInspection(buyer, o.id, at(t, 1));
	const a = v.lines.find((l) => l.quantity === 10)!;
	const b = v.lines.find((l) => l.quantity === 20)!;
	const view = await recordInspection(
		buyer,
		o.id,
		{
			items: [
				...a.pieces
					.slice(0, 3)
					.map((p) => ({ lineId: a.lineId, piece: p.piece, result: 'severe' })),
				...b.pieces.map((p) => ({ lineId: b.lineId, piece: p.piece, result: 'pass' }))
			]
		},
		at(t, 2)
	);
	const [r] = await replacementsOf(o.id);
	return { t, o, view, r: r!, lineA: a.lineId, lineB: b.lineId };
}

describe('severe-defect rule', () => {
	it('3 severe pieces: a replacement due in 24 h holding their value through the buyer’s acceptance; shipping releases it', async () => {
		const { t, o, view, r, lineA, lineB } = await severe();
		expect(view.replacementDueAt).toBe(at(t, 2 + P.inspection.replacementDueHours).toISOString());
		// 3 of 10 pieces of a 10 000 line.
		expect([r.source, r.state, r.pieces, r.heldFen]).toEqual(['severe_defect', 'due', 3, 3_000]);
		expect(r.dueAt.toISOString()).toBe(view.replacementDueAt);
		const lines = await db()
			.select()
			.from(tradeReplacementLines)
			.where(eq(tradeReplacementLines.replacementId, r.id));
		expect(lines.map((l) => [l.lineId, l.quantity, l.heldFen])).toEqual([[lineA, 3, 3_000]]);
		// Recording again does not open a second one.
		await recordInspection(buyer, o.id, { items: [] }, at(t, 3));
		expect(await replacementsOf(o.id)).toHaveLength(1);

		await acceptAndRelease(buyer, o.id, at(t, 4));
		expect((await orderRow(o.id)).state).toBe('released');
		const held = escrowByItem(o.id);
		expect(held.get(lineA)).toBe(-3_000);
		expect(held.get(lineB)).toBe(0);
		await ledgerOf(o.id);

		const shipped = await shipReplacement(
			supplier,
			o.id,
			r.id,
			{ parcels: [{ carrier: 'ZTO', trackingNo: tracking(), cartons: 1 }] },
			at(t, 20)
		);
		expect([shipped.state, shipped.releasedFen]).toEqual(['shipped', 3_000]);
		// 30 000 freight over 30 pieces, 3 replaced.
		expect(shipped.freightChargeFen).toBe(3_000);
		expectSettled(o.id);
		await ledgerOf(o.id);
	});

	it('the automatic release at 48 h keeps the severe pieces’ value; a missed deadline refunds it', async () => {
		const { t, o, r, lineA } = await severe();
		// The replacement deadline (26 h) comes before the window (48 h) here: miss it first.
		await runReplacementTimers(r.dueAt, 1000);
		expect(escrowByItem(o.id).get(lineA)).toBe(-10_000 + 3_000);
		await runTradeTimers(at(t, P.orders.inspectionWindowHours), 1000);
		expect((await orderRow(o.id)).state).toBe('released');
		expectSettled(o.id);
		await ledgerOf(o.id);
		const [after] = await replacementsOf(o.id);
		expect([after!.state, after!.refundedFen]).toEqual(['missed', 3_000]);
		const refund = money.find((m) => m.key === `trade:${o.id}:replacement-refund:severe_defect`)!;
		expect(
			refund.postings
				.filter((p) => p.account.kind === 'escrow')
				.reduce((s, p) => s + p.amountFen, 0)
		).toBe(3_000);
	});

	it('auto-released first, then shipped in time', async () => {
		const t = nextEpoch();
		const o = await twoLineOrder(t);
		const v = await startInspection(buyer, o.id, at(t, 1));
		const a = v.lines.find((l) => l.quantity === 10)!;
		// Recorded late in the window: the replacement is due after the automatic release.
		await recordInspection(
			buyer,
			o.id,
			{
				items: a.pieces
					.slice(0, 3)
					.map((p) => ({ lineId: a.lineId, piece: p.piece, result: 'severe' }))
			},
			at(t, 40)
		);
		const [r] = await replacementsOf(o.id);
		await runTradeTimers(at(t, P.orders.inspectionWindowHours), 1000);
		expect((await orderRow(o.id)).state).toBe('released');
		expect(escrowByItem(o.id).get(a.lineId)).toBe(-3_000);
		await shipReplacement(
			supplier,
			o.id,
			r!.id,
			{ parcels: [{ carrier: 'SF', trackingNo: tracking() }] },
			at(t, 50)
		);
		expectSettled(o.id);
		await ledgerOf(o.id);
	});

	it('a dispute filed beside a severe replacement freezes only what the replacement does not hold', async () => {
		const { t, o, r, lineA } = await severe();
		const d = await fileDispute(
			buyer,
			o.id,
			{
				lines: [{ lineId: lineA, quantity: 5, problem: 'not_as_sample', lossBp: 5000 }],
				remedy: 'partial_refund'
			},
			at(t, 5),
			P
		);
		expect(d.frozenFen).toBe(10_000 - 3_000);
		await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 6), P);
		expect(escrowByItem(o.id).get(lineA)).toBe(-3_000);
		await shipReplacement(
			supplier,
			o.id,
			r.id,
			{ parcels: [{ carrier: 'SF', trackingNo: tracking() }] },
			at(t, 7)
		);
		expectSettled(o.id);
		await ledgerOf(o.id);
		const rows = await db()
			.select()
			.from(tradeReplacements)
			.where(and(eq(tradeReplacements.orderId, o.id), eq(tradeReplacements.state, 'shipped')));
		expect(rows).toHaveLength(1);
	});
});

describe('over HTTP: the API route and the supplier page’s form', () => {
	let app: Awaited<ReturnType<typeof startAppServer>>;
	beforeAll(async () => {
		app = await startAppServer();
	}, 120_000);
	afterAll(async () => {
		await app?.close();
	});
	const session = async (email: string) => ({
		cookie: await apiSignIn(app.url, email),
		origin: app.url
	});
	async function post(who: Record<string, string>, path: string, body: unknown) {
		const r = await fetch(`${app.url}/api/v1/trade${path}`, {
			method: 'POST',
			headers: { ...who, 'content-type': 'application/json', 'accept-language': 'en' },
			body: JSON.stringify(body)
		});
		return { status: r.status, body: (await r.json()) as Record<string, never> };
	}

	it('ships through the API; refuses bad tracking (422 at the field), the buyer (403), others (404)', async () => {
		// The app's clock is today: an exchange closed now is due tomorrow.
		const t = new Date(Date.now() - 5 * H);
		const o = await twoLineOrder(t);
		const lineA = o.lineIds[o.lotIds.indexOf(lotA.id)]!;
		const d = await fileDispute(
			buyer,
			o.id,
			{
				lines: [{ lineId: lineA, quantity: 1, problem: 'damaged', lossBp: 10000 }],
				remedy: 'exchange'
			},
			at(t, 1)
		);
		await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 2));
		const [r] = await replacementsOf(o.id);
		const path = `/orders/${o.id}/replacements/${r!.id}/ship`;
		const s2 = await session(DEMO_ACCOUNTS.supplier2);
		const s1 = await session(DEMO_ACCOUNTS.supplier1);
		const b2 = await session(DEMO_ACCOUNTS.buyer2);
		const bad = await post(s2, path, { parcels: [{ carrier: 'SF', trackingNo: 'x' }] });
		expect([bad.status, bad.body.error?.['field']]).toEqual([422, 'parcels.0.trackingNo']);
		const shape = await post(s2, path, { parcels: [] });
		expect([shape.status, shape.body.error?.['field']]).toEqual([400, 'parcels']);
		expect(
			(await post(b2, path, { parcels: [{ carrier: 'SF', trackingNo: tracking() }] })).status
		).toBe(403);
		expect(
			(await post(s1, path, { parcels: [{ carrier: 'SF', trackingNo: tracking() }] })).status
		).toBe(404);
		const badId = await post(s2, `/orders/${o.id}/replacements/nope/ship`, {
			parcels: [{ carrier: 'SF', trackingNo: tracking() }]
		});
		expect([badId.status, badId.body.error?.['field']]).toEqual([400, 'replacementId']);
		expect((await replacementsOf(o.id))[0]!.state).toBe('due');
		const ok = await post(s2, path, { parcels: [{ carrier: 'SF', trackingNo: tracking() }] });
		expect(ok.status).toBe(200);
		const order = ok.body.order as unknown as { replacements: { state: string }[] };
		expect(order.replacements.map((x) => x.state)).toEqual(['shipped']);
		const again = await post(s2, path, { parcels: [{ carrier: 'SF', trackingNo: tracking() }] });
		expect([again.status, again.body.error?.['code']]).toEqual([409, 'trade_state']);
		expectSettled(o.id);
	}, 120_000);

	it('the supplier’s 补发 form ships it; a bad tracking number is refused and ships nothing', async () => {
		const t = new Date(Date.now() - 5 * H);
		const o = await twoLineOrder(t);
		const lineA = o.lineIds[o.lotIds.indexOf(lotA.id)]!;
		const d = await fileDispute(
			buyer,
			o.id,
			{
				lines: [{ lineId: lineA, quantity: 1, problem: 'damaged', lossBp: 10000 }],
				remedy: 'exchange'
			},
			at(t, 1)
		);
		await actOnDispute(supplier, d.id, { action: { type: 'accept' } }, at(t, 2));
		const [r] = await replacementsOf(o.id);
		const s2 = await session(DEMO_ACCOUNTS.supplier2);
		const page = await fetch(`${app.url}/supplier/trade/${o.id}`, { headers: s2 });
		const html = await page.text();
		expect(page.status).toBe(200);
		expect(html).toContain('data-testid="replacement-form"');
		expect(html).toContain(r!.dueAt.toISOString());
		const submit = (trackingNo: string) =>
			fetch(`${app.url}/supplier/trade/${o.id}?/shipReplacement`, {
				method: 'POST',
				headers: { ...s2, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					replacementId: r!.id,
					'parcels.0.carrier': 'SF',
					'parcels.0.trackingNo': trackingNo,
					'parcels.0.cartons': '1'
				}),
				redirect: 'manual'
			});
		// The action answers as to the page's enhanced form: {type, status, data}.
		const refused = (await (await submit('??')).json()) as {
			type: string;
			status: number;
			data: string;
		};
		expect([refused.type, refused.status]).toEqual(['failure', 422]);
		expect(refused.data).toContain('parcels.0.trackingNo');
		expect((await replacementsOf(o.id))[0]!.state).toBe('due');
		const ok = (await (await submit(tracking())).json()) as { type: string };
		expect(ok.type).toBe('success');
		expect((await replacementsOf(o.id))[0]!.state).toBe('shipped');
		const buyerPage = await fetch(`${app.url}/buyer/orders/${o.id}`, {
			headers: await session(DEMO_ACCOUNTS.buyer2)
		});
		const buyerHtml = await buyerPage.text();
		expect(buyerHtml).toContain('data-testid="replacement-parcels"');
		expect(buyerHtml).not.toContain('data-testid="replacement-form"');
	}, 120_000);
});
