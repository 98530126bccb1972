// The whole trade path through the services with an injected clock: checkout → pay (test
// provider) → accept → pack → ship in two parcels → the carrier's signed pushes (arrival when
// both are delivered) → inspection with a photo → the buyer accepts → released; the ledger's
// escrow balanced at every step and every escrow item back to zero after release. Also who may
// take which step, the shipping form's refusals and the carrier push's signature.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { freightRates, tradeParcels } from '../../src/lib/server/db/schema';
import { resetEnvCache } from '../../src/lib/server/env';
import { bus } from '../../src/lib/server/events/bus';
import type { TradeOrderChanged } from '../../src/lib/server/events/map';
import { setMediaStorage } from '../../src/lib/server/platform/storage';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import {
	acceptAndRelease,
	acceptOrder,
	carrierDelivered,
	checkout,
	confirmArrival,
	getOrder,
	packingList,
	packOrder,
	payWithTestProvider,
	recordInspection,
	shipOrder,
	startInspection,
	uploadInspectionPhoto
} from '../../src/lib/server/trade';
import { signCarrierPush } from '../../src/lib/server/trade/carrier';
import { demoActor } from '../helpers/demo';
import {
	caught,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO
} from '../helpers/trade-checkout';
import { memoryStorage, PNG } from '../helpers/trade';

const SALT = 'kuaidi100-test-salt';
const T0 = new Date('2026-06-01T02:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);

type A = Awaited<ReturnType<typeof demoActor>>;
let supplier: A, otherSupplier: A, operator: A;
let lotIds: string[];
const changes: TradeOrderChanged[] = [];

beforeAll(async () => {
	process.env.CARRIER_PUSH_SALT = SALT;
	resetEnvCache();
	await seedDemoIfEmpty();
	setMediaStorage(memoryStorage());
	[supplier, otherSupplier, operator] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier4),
		demoActor(DEMO_ACCOUNTS.supplier2),
		demoActor(DEMO_ACCOUNTS.operator)
	]);
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier4, 12);
	expect(lotIds.length).toBeGreaterThanOrEqual(12);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 6000, partnerPerPieceFen: 100 });
	bus().subscribe('test-order-changes', [
		{ event: 'trade.order.changed', afterCommit: (e) => void changes.push(e) }
	]);
}, 120_000);

let n = 0;
/** A fresh buyer's paid order of two lots of `supplier` (30 + 40 pieces). */
async function paidOrder() {
	const a = lotIds[n++]!;
	const b = lotIds[n++]!;
	await setupLot(a, { onHand: 500, moq: 10, unitPriceFen: 3500, terms: { piecesPerCarton: 10 } });
	await setupLot(b, { onHand: 500, moq: 10, unitPriceFen: 2000, terms: { piecesPerCarton: 8 } });
	const buyer = await newBuyer();
	const r = await checkout(
		buyer.principal,
		{
			lines: [
				{ lotId: a, quantity: 30 },
				{ lotId: b, quantity: 40 }
			],
			shipTo: SHIP_TO,
			provider: 'test'
		},
		`life-${n}`,
		T0
	);
	const o = r.orders[0]!;
	await payWithTestProvider(buyer.principal, o.id, at(0.1));
	return { buyer, order: o };
}

/** Per ledger transaction of the order: its sum (0 when balanced); and escrow per item. */
async function ledgerOf(orderId: string) {
	const tx = await execRows<{ kind: string; sum: string | number }>(
		sql`select t.kind::text as kind, sum(e.amount_fen)::bigint as sum
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${orderId} group by t.id, t.kind order by t.id`
	);
	const escrow = await execRows<{ item: string | null; held: string | number }>(
		sql`select e.sale_line_id::text as item, sum(e.amount_fen)::bigint as held
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${orderId} and e.account_kind = 'escrow'
		group by e.sale_line_id`
	);
	return {
		kinds: tx.map((r) => r.kind),
		balanced: tx.every((r) => Number(r.sum) === 0),
		escrow: escrow.map((r) => Number(r.held))
	};
}

function push(carrier: string, nu: string, state = '3') {
	return signCarrierPush(
		{
			status: state === '3' ? 'shutdown' : 'polling',
			message: '',
			lastResult: {
				message: 'ok',
				state,
				ischeck: state === '3' ? '1' : '0',
				com: carrier,
				nu,
				data: []
			}
		},
		SALT
	);
}

describe('the trade order lifecycle', () => {
	it('goes from checkout to release with the escrow balanced at every step', async () => {
		const { buyer, order: o } = await paidOrder();
		let ledger = await ledgerOf(o.id);
		expect(ledger.kinds).toEqual(['trade_payment']);
		expect(ledger.balanced).toBe(true);
		expect(ledger.escrow.reduce((s, x) => s + x, 0)).toBe(-o.totalFen);

		const accepted = await acceptOrder(supplier.actor, o.id, at(2));
		expect(accepted).toMatchObject({ state: 'accepted', timer: 'ship' });
		expect(accepted.actions).toEqual(expect.arrayContaining(['pack', 'ship']));
		const packed = await packOrder(supplier.actor, o.id, at(3));
		expect(packed.state).toBe('packed');
		const list = await packingList(supplier.actor, o.id);
		expect(list.lines.map((l) => l.cartons).sort()).toEqual([3, 5]);

		const sf = `SF${Date.now()}01`;
		const zto = `7${Date.now()}02`;
		const shipped = await shipOrder(
			supplier.actor,
			o.id,
			{
				parcels: [
					{ carrier: 'SF', trackingNo: sf.toLowerCase(), cartons: 5 },
					{ carrier: 'ZTO', trackingNo: zto, cartons: 3 }
				]
			},
			at(4)
		);
		expect(shipped.state).toBe('shipped');
		expect(shipped.parcels.map((p) => p.trackingNo).sort()).toEqual([sf, zto].sort());

		// The first parcel is signed for: still shipped. The second: arrived, window from now.
		expect(await carrierDelivered(push('shunfeng', sf), at(30))).toMatchObject({
			orderId: o.id,
			result: true,
			returnCode: '200'
		});
		expect((await getOrder(buyer.principal, o.id)).state).toBe('shipped');
		// An in-transit push changes nothing.
		await carrierDelivered(push('zhongtong', zto, '0'), at(31));
		expect((await getOrder(buyer.principal, o.id)).state).toBe('shipped');
		await carrierDelivered(push('zhongtong', zto), at(32));
		const arrived = await getOrder(buyer.principal, o.id);
		expect(arrived).toMatchObject({ state: 'arrived', arrivedAt: at(32).toISOString() });
		expect(arrived.dueAt).toBe(at(32 + 48).toISOString());
		// A repeated push is harmless.
		await carrierDelivered(push('zhongtong', zto), at(33));
		expect((await getOrder(buyer.principal, o.id)).version).toBe(arrived.version);

		const insp = await startInspection(buyer.principal, o.id, at(34));
		const photo = await uploadInspectionPhoto(buyer.principal, o.id, PNG);
		const items = insp.lines.flatMap((l) =>
			l.pieces.map((p, i) => ({
				lineId: l.lineId,
				piece: p.piece,
				result: 'pass' as const,
				...(i === 0 ? { photos: [photo.key] } : {})
			}))
		);
		expect(items).toHaveLength(9 + 12);
		const recorded = await recordInspection(buyer.principal, o.id, { items }, at(35));
		expect(recorded.verdicts.every((v) => v.withinAllowance)).toBe(true);
		ledger = await ledgerOf(o.id);
		expect(ledger.kinds).toEqual(['trade_payment']);

		const released = await acceptAndRelease(buyer.principal, o.id, at(36));
		expect(released).toMatchObject({ state: 'released', releasedAt: at(36).toISOString() });
		expect(released.events.map((e) => e.action).slice(-3)).toEqual([
			'start_inspection',
			'accept_goods',
			'release'
		]);
		ledger = await ledgerOf(o.id);
		expect(ledger.kinds).toEqual(['trade_payment', 'trade_release']);
		expect(ledger.balanced).toBe(true);
		expect(ledger.escrow.every((x) => x === 0)).toBe(true);
		// The supplier is owed the total less 3% of the goods (and packaging), freight whole.
		const [owed] = await execRows<{ owed: string | number }>(
			sql`select -sum(e.amount_fen)::bigint as owed from ledger_transactions t
			join ledger_entries e on e.transaction_id = t.id
			where t.order_id = ${o.id} and e.account_kind = 'supplier_payable'`
		);
		const goods = 30 * 3500 + 40 * 2000;
		const fee = Math.round((goods * 300) / 10000);
		expect(Number(owed!.owed)).toBe(o.totalFen - fee);
	});

	it('lets only the order’s supplier work it and only its buyer receive it', async () => {
		const { buyer, order: o } = await paidOrder();
		// Someone else's order is not there.
		expect((await caught(acceptOrder(otherSupplier.actor, o.id, at(1)))).status).toBe(404);
		const stranger = await newBuyer();
		expect((await caught(confirmArrival(stranger.principal, o.id, at(1)))).status).toBe(404);
		expect((await caught(acceptOrder(supplier.actor, 'not-a-uuid', at(1)))).status).toBe(404);
		// The buyer may not accept for the supplier, nor an operator.
		const wrong = await caught(acceptOrder(buyer.principal, o.id, at(1)));
		expect([wrong.status, wrong.code]).toEqual([403, 'wrong_actor']);
		expect((await caught(acceptOrder(operator.actor, o.id, at(1)))).status).toBe(403);
		// Out of order: no arrival before shipping.
		const early = await caught(confirmArrival(buyer.principal, o.id, at(1)));
		expect([early.status, early.code]).toEqual([409, 'trade_state']);
		// The accept SLA: at 24 h from payment it is too late.
		const late = await caught(acceptOrder(supplier.actor, o.id, at(0.1 + 24)));
		expect([late.status, late.code]).toEqual([409, 'deadline_passed']);
		expect((await caught(packingList(buyer.principal, o.id))).status).toBe(404);
	});

	it('refuses a bad shipment form (400 naming the field) and a tracking number used before (409)', async () => {
		const { buyer, order: o } = await paidOrder();
		await acceptOrder(supplier.actor, o.id, at(1));
		const cases: [unknown, string][] = [
			[{ parcels: [] }, 'parcels'],
			[
				{ parcels: [{ carrier: 'UPS', trackingNo: 'SF1234567890', cartons: 1 }] },
				'parcels.0.carrier'
			],
			[{ parcels: [{ carrier: 'SF', trackingNo: '12', cartons: 1 }] }, 'parcels.0.trackingNo'],
			[
				{ parcels: [{ carrier: 'SF', trackingNo: 'SF1234567890', cartons: 0 }] },
				'parcels.0.cartons'
			],
			[{}, 'parcels']
		];
		for (const [body, field] of cases) {
			const e = await caught(shipOrder(supplier.actor, o.id, body, at(2)));
			expect([e.status, e.field]).toEqual([400, field]);
		}
		const twice = await caught(
			shipOrder(
				supplier.actor,
				o.id,
				{
					parcels: [
						{ carrier: 'YD', trackingNo: 'YD99887766', cartons: 1 },
						{ carrier: 'YD', trackingNo: 'yd 9988 7766', cartons: 1 }
					]
				},
				at(2)
			)
		);
		expect([twice.status, twice.code, twice.field]).toEqual([
			409,
			'duplicate_tracking',
			'parcels.1.trackingNo'
		]);
		const tn = `JD${Date.now()}`;
		// The carrier by its Chinese name is stored as its code.
		const shipped = await shipOrder(
			supplier.actor,
			o.id,
			{ parcels: [{ carrier: '京东物流', trackingNo: tn, cartons: 2 }] },
			at(3)
		);
		expect(shipped.parcels.map((p) => p.carrier)).toEqual(['JD']);
		const { order: o2 } = await paidOrder();
		await acceptOrder(supplier.actor, o2.id, at(1));
		const reused = await caught(
			shipOrder(
				supplier.actor,
				o2.id,
				{ parcels: [{ carrier: 'JD', trackingNo: tn, cartons: 1 }] },
				at(3)
			)
		);
		expect([reused.status, reused.code]).toEqual([409, 'duplicate_tracking']);
		// Nothing half-written: the refused order has no parcel and is still accepted.
		expect(await db().select().from(tradeParcels).where(eq(tradeParcels.orderId, o2.id))).toEqual(
			[]
		);
		expect((await getOrder(buyer.principal, o.id)).state).toBe('shipped');
	});

	it('refuses a carrier push with a bad signature (401) and ignores unknown waybills', async () => {
		const good = push('shunfeng', 'SF000000000000');
		const forged = { ...good, sign: good.sign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
		const e = await caught(carrierDelivered(forged, at(1)));
		expect([e.status, e.code]).toEqual([401, 'bad_signature']);
		expect((await caught(carrierDelivered({ sign: 'x' }, at(1)))).status).toBe(400);
		expect(await carrierDelivered(good, at(1))).toMatchObject({ orderId: null, result: true });
		// As 快递100 posts it: a urlencoded form body.
		const form = new URLSearchParams(good).toString();
		expect(await carrierDelivered(form, at(1))).toMatchObject({ orderId: null, result: true });
		const forgedForm = new URLSearchParams(forged).toString();
		expect((await caught(carrierDelivered(forgedForm, at(1)))).status).toBe(401);
	});

	it('lets the buyer confirm arrival itself; every parcel counts as delivered then', async () => {
		const { buyer, order: o } = await paidOrder();
		await acceptOrder(supplier.actor, o.id, at(1));
		await shipOrder(
			supplier.actor,
			o.id,
			{ parcels: [{ carrier: 'EMS', trackingNo: `EM${Date.now()}CN`, cartons: 8 }] },
			at(2)
		);
		const v = await confirmArrival(buyer.principal, o.id, at(20));
		expect(v).toMatchObject({ state: 'arrived', timer: 'inspection' });
		expect(v.parcels.every((p) => p.deliveredAt === at(20).toISOString())).toBe(true);
	});

	it('tells the order’s rooms of every step after commit, and moves an order once when two race', async () => {
		const { order: o } = await paidOrder();
		const [a, b] = await Promise.allSettled([
			acceptOrder(supplier.actor, o.id, at(1)),
			acceptOrder(supplier.actor, o.id, at(1))
		]);
		const ok = [a, b].filter((r) => r.status === 'fulfilled');
		const refused = [a, b].filter((r) => r.status === 'rejected');
		expect(ok).toHaveLength(1);
		expect(refused).toHaveLength(1);
		expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'trade_state' });
		await new Promise((r) => setTimeout(r, 20));
		const mine = changes.filter((c) => c.id === o.id);
		// One change per step that happened: the refused twin published nothing.
		expect(mine.filter((c) => c.state === 'paid')).toHaveLength(1);
		expect(mine.filter((c) => c.state === 'accepted')).toHaveLength(1);
		const accepted = mine.find((c) => c.state === 'accepted')!;
		expect(accepted).toMatchObject({
			buyerOrgId: o.buyerOrgId,
			supplierId: o.supplierId,
			version: (ok[0] as PromiseFulfilledResult<{ version: number }>).value.version
		});
		expect(accepted.dueAt).toEqual(new Date(at(0.1).getTime() + 72 * 3_600_000));
	});
});
