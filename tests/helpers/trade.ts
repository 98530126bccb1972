// Trade order fixtures for the lifecycle / inspection / timer tests: orders written as the
// checkout writes them (stock allocated through the stock module), so the tests start from any
// state without depending on the cart. Also a collector of the `trade.money` postings.
import { and, eq, sql } from 'drizzle-orm';
import { db, execRows } from '../../src/lib/server/db';
import {
	lots,
	tradeCheckouts,
	tradeLotTerms,
	tradeOrderLines,
	tradeOrders,
	tradeParcels,
	tradePaymentIntents
} from '../../src/lib/server/db/schema';
import { bus, transaction } from '../../src/lib/server/events/bus';
import type { TradeMoney } from '../../src/lib/server/events/map';
import { allocateFree } from '../../src/lib/server/stock';
import { moveOrder } from '../../src/lib/server/trade/transition';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import type { TradeAction, TradeActor } from '../../src/lib/domain/trade/order-state';

export const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

/** Every `trade.money` published in a committed (or rolled back: see `committed`) transaction. */
export const money: TradeMoney[] = [];
let collecting = false;
export function collectMoney(): void {
	if (collecting) return;
	collecting = true;
	bus().subscribe('test-trade-money', [
		{
			event: 'trade.money',
			inTx: async (_tx, m) => {
				money.push(m);
			}
		}
	]);
}

/** Lots of one supplier with free stock set for the test (the stock columns, test-only). */
export async function supplierLots(supplierId: string, n: number, onHand = 1000) {
	const rows = await db()
		.select({ id: lots.id, grade: lots.grade, unitPriceFen: lots.unitPriceFen })
		.from(lots)
		.where(eq(lots.supplierId, supplierId))
		.orderBy(lots.seq)
		.limit(n);
	for (const r of rows) {
		await db()
			.update(lots)
			.set({ onHand, locked: 0, allocated: 0, status: 'active' })
			.where(eq(lots.id, r.id));
	}
	return rows;
}

export async function counters(lotId: string) {
	const [r] = await db()
		.select({ onHand: lots.onHand, locked: lots.locked, allocated: lots.allocated })
		.from(lots)
		.where(eq(lots.id, lotId));
	return r!;
}

export interface OrderFixture {
	id: string;
	number: number;
	lineIds: string[];
	lotIds: string[];
}

/**
 * A pending_payment order of `buyerOrgId` from `supplierId`, created at `createdAt`, with one line
 * per lot (quantity, pieces per carton), stock allocated as checkout does, and a payment intent.
 */
export async function makeOrder(a: {
	buyerOrgId: string;
	supplierId: string;
	lines: { lotId: string; quantity: number; unitPriceFen: number; piecesPerCarton?: number }[];
	createdAt: Date;
	freightFen?: number;
	feeBp?: number;
}): Promise<OrderFixture> {
	const freightFen = a.freightFen ?? 160_000;
	return transaction(async (tx) => {
		const [c] = await tx
			.insert(tradeCheckouts)
			.values({
				buyerOrgId: a.buyerOrgId,
				idempotencyKey: `fx-${Math.random().toString(36).slice(2)}`,
				requestHash: 'fixture',
				createdAt: a.createdAt
			})
			.returning();
		const goods = a.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
		const [o] = await tx
			.insert(tradeOrders)
			.values({
				checkoutId: c!.id,
				buyerOrgId: a.buyerOrgId,
				supplierId: a.supplierId,
				warehouseProvince: '广东省',
				warehouseCity: '广州市',
				shipTo: SHIP_TO,
				goodsFen: goods,
				packagingFen: 0,
				freightFen,
				freightMarketFen: freightFen + 40_000,
				totalFen: goods + freightFen,
				feeBp: a.feeBp ?? 300,
				createdAt: a.createdAt,
				updatedAt: a.createdAt,
				dueAt: new Date(a.createdAt.getTime() + 30 * 60_000)
			})
			.returning();
		const lineIds: string[] = [];
		// Lots in id order (the stock lock order); lineIds[i] is the line of lotIds[i].
		const sorted = [...a.lines].sort((x, y) => (x.lotId < y.lotId ? -1 : 1));
		for (const l of sorted) {
			const ok = await allocateFree(tx, l.lotId, l.quantity);
			if (!ok) throw new Error('fixture: not enough free stock');
			const [row] = await tx
				.insert(tradeOrderLines)
				.values({
					orderId: o!.id,
					lotId: l.lotId,
					quantity: l.quantity,
					unitPriceFen: l.unitPriceFen,
					goodsFen: l.quantity * l.unitPriceFen,
					lineFen: l.quantity * l.unitPriceFen,
					piecesPerCarton: l.piecesPerCarton ?? 1
				})
				.returning({ id: tradeOrderLines.id });
			lineIds.push(row!.id);
		}
		await tx.insert(tradePaymentIntents).values({
			kind: 'order',
			refId: o!.id,
			buyerOrgId: a.buyerOrgId,
			provider: 'test',
			amountFen: goods + freightFen,
			idempotencyKey: `pay-${o!.id}`,
			createdAt: a.createdAt
		});
		return { id: o!.id, number: o!.number, lineIds, lotIds: sorted.map((l) => l.lotId) };
	});
}

/** Applies `action` as `party` at `at` (the system's moves, fixtures' shortcuts). */
export async function moveAt(orderId: string, action: TradeAction, party: TradeActor, at: Date) {
	return transaction(async (tx) => {
		if (action === 'pay') {
			await tx
				.update(tradePaymentIntents)
				.set({ status: 'confirmed', confirmedAt: at, providerRef: `test-${orderId}` })
				.where(and(eq(tradePaymentIntents.refId, orderId), eq(tradePaymentIntents.kind, 'order')));
		}
		return moveOrder(tx, {
			orderId,
			action,
			actor: { party, userId: null },
			now: at,
			policy: DEFAULT_TRADE_POLICY
		});
	});
}

export async function orderRow(id: string) {
	const [r] = await db().select().from(tradeOrders).where(eq(tradeOrders.id, id));
	return r!;
}

/** Sum per escrow item (line id) of every posting so far for an order: 0 once it is settled. */
export function escrowByItem(orderId: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const t of money.filter((x) => x.orderId === orderId)) {
		for (const p of t.postings) {
			if (p.account.kind !== 'escrow') continue;
			const k = p.line?.saleLineId ?? 'freight';
			m.set(k, (m.get(k) ?? 0) + p.amountFen);
		}
	}
	return m;
}

export async function setTerms(lotId: string, piecesPerCarton: number) {
	await db()
		.insert(tradeLotTerms)
		.values({ lotId, piecesPerCarton })
		.onConflictDoUpdate({ target: tradeLotTerms.lotId, set: { piecesPerCarton } });
}

export async function eventsOf(orderId: string) {
	return execRows<{ from_state: string | null; to_state: string; action: string; actor: string }>(
		sql`select from_state, to_state, action, actor from trade_order_events
			where order_id = ${orderId} order by id`
	);
}

/** An order walked to `arrived` at `arrivedAt` (paid, accepted, shipped in one parcel before). */
export async function arrivedOrder(
	a: Parameters<typeof makeOrder>[0] & { arrivedAt: Date }
): Promise<OrderFixture> {
	const o = await makeOrder(a);
	const t = a.createdAt.getTime();
	await moveAt(o.id, 'pay', 'system', new Date(t + 60_000));
	await moveAt(o.id, 'accept', 'supplier', new Date(t + 120_000));
	await db()
		.insert(tradeParcels)
		.values({
			orderId: o.id,
			carrier: 'YTO',
			trackingNo: `YT${o.number}${Math.random().toString().slice(2, 10)}`,
			cartons: 1
		});
	await moveAt(o.id, 'ship', 'supplier', new Date(t + 180_000));
	await moveAt(o.id, 'arrive', 'buyer', a.arrivedAt);
	return o;
}

/** Media storage in memory for a test file. */
export function memoryStorage() {
	const files = new Map<string, { bytes: Uint8Array; mime: string }>();
	return {
		files,
		async put(key: string, bytes: Uint8Array, mime: string) {
			files.set(key, { bytes, mime });
		},
		async get(key: string) {
			const f = files.get(key);
			if (!f) return null;
			return {
				body: new Blob([f.bytes as Uint8Array<ArrayBuffer>]).stream(),
				size: f.bytes.byteLength
			};
		},
		async delete(key: string) {
			files.delete(key);
		},
		url: (key: string) => `/media/${key}`
	};
}

/** The smallest PNG there is (1×1), for upload tests. */
export const PNG = Uint8Array.from(
	Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
		'base64'
	)
);
