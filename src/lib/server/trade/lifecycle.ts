// The supplier's and the buyer's steps of a trade order after payment: accept, pack,
// ship (one or many parcels), arrival, acceptance with release, and the packing list. Each step
// is one transaction through `move` (transition.ts); after commit the order's change (and the
// lots' counters when stock moved) go out to the sockets.
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { TRACKING_NO, TRADE_CARRIERS, carrierOf, normaliseTrackingNo } from '$lib/trade/carriers';
import type { TradeAction } from '$lib/domain/trade/order-state';
import type { PackagingOption } from '$lib/domain/trade/policy';
import type { TradeOrderView } from '$lib/trade/types';
import { z } from '$lib/server/validation';
import type { Principal } from '../auth/principal';
import { constraintOf, db, sqlState, type Tx } from '../db';
import { lots, tradeOrderLines, tradeParcels } from '../db/schema';
import { AppError, parse } from '../errors';
import { transaction } from '../events/bus';
import { currentPolicy, policyMax } from '../platform/policy';
import { getOrder } from './queries';
import { actorOf, orderFor, type TradeSide } from './sides';
import { moveOrder, orderNotFound, publishMoved, type MoveResult } from './transition';

/** Who may take a step: the side it belongs to (others who see the order get 403 from `move`). */
async function step(
	p: Principal,
	orderId: unknown,
	now: Date,
	actions: readonly TradeAction[],
	before?: (tx: Tx, order: MoveResult['row'], side: TradeSide) => Promise<void>,
	after?: (tx: Tx, order: MoveResult['row']) => Promise<void>
): Promise<TradeOrderView> {
	const policy = currentPolicy().trade;
	const results = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, orderId, tx, true);
		if (before) await before(tx, order, side);
		const out: MoveResult[] = [];
		for (const action of actions) {
			// A follow-up step the platform takes (release after acceptance) is the system's.
			const actor =
				action === 'release' ? { party: 'system' as const, userId: p.userId } : actorOf(p, side);
			out.push(await moveOrder(tx, { orderId: order.id, action, actor, now, policy }));
		}
		if (after) await after(tx, out[out.length - 1]!.row);
		return out;
	});
	publishMoved(results);
	return getOrder(p, results[0]!.row.id);
}

/** Supplier accepts a paid order (before the accept SLA). */
export async function acceptOrder(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	return step(p, orderId, now, ['accept']);
}

/** Supplier marks an accepted order packed. */
export async function packOrder(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	return step(p, orderId, now, ['pack']);
}

const ParcelInput = z.object({
	// Our code in any case, the Chinese name or the 快递100 code: stored as our code.
	carrier: z
		.string({ error: 'trade.err.carrier' })
		.max(40)
		.transform((s) => carrierOf(s) ?? '')
		.pipe(z.enum(TRADE_CARRIERS, { error: 'trade.err.carrier' })),
	trackingNo: z
		.string()
		.transform(normaliseTrackingNo)
		.pipe(z.string().regex(TRACKING_NO, { error: 'trade.err.tracking_no' })),
	cartons: z.number().int({ error: 'v.integer' }).min(1).max(100_000)
});

export const ShipInput = z.object({
	parcels: z
		.array(ParcelInput)
		.min(1, { error: 'trade.err.no_parcels' })
		.superRefine(policyMax((pol) => pol.trade.orders.maxParcels, 'array'))
});
export type ShipInput = z.infer<typeof ShipInput>;

const duplicateTracking = (field: string) =>
	new AppError('conflict', 'duplicate_tracking', 'trade.err.duplicate_tracking', { field });

/** Supplier ships: raw `{ parcels: [{ carrier, trackingNo, cartons }] }` (one or many). */
export async function shipOrder(
	p: Principal,
	orderId: unknown,
	raw: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	const input = parse(ShipInput, raw);
	const seen = new Set<string>();
	input.parcels.forEach((x, i) => {
		const k = `${x.carrier}|${x.trackingNo}`;
		if (seen.has(k)) throw duplicateTracking(`parcels.${i}.trackingNo`);
		seen.add(k);
	});
	try {
		return await step(p, orderId, now, ['ship'], async (tx, order, side) => {
			// Only the order's supplier writes parcels; anyone else is refused by `move` below,
			// but must not get as far as the tracking check (it would reveal other orders).
			if (side !== 'supplier') return;
			const taken = await tx
				.select({ carrier: tradeParcels.carrier, trackingNo: tradeParcels.trackingNo })
				.from(tradeParcels)
				.where(
					or(
						...input.parcels.map((x) =>
							and(eq(tradeParcels.carrier, x.carrier), eq(tradeParcels.trackingNo, x.trackingNo))
						)
					)
				);
			if (taken.length > 0) {
				const i = input.parcels.findIndex((x) =>
					taken.some((t) => t.carrier === x.carrier && t.trackingNo === x.trackingNo)
				);
				throw duplicateTracking(`parcels.${i}.trackingNo`);
			}
			await tx.insert(tradeParcels).values(
				input.parcels.map((x) => ({
					orderId: order.id,
					carrier: x.carrier,
					trackingNo: x.trackingNo,
					cartons: x.cartons,
					shippedAt: now
				}))
			);
		});
	} catch (e) {
		// Two shipments racing for one tracking number: the unique index decides.
		if (sqlState(e) === '23505' && constraintOf(e) === 'trade_parcels_tracking_key') {
			throw duplicateTracking('parcels');
		}
		throw e;
	}
}

/** The buyer confirms arrival (the 48 h inspection window starts). */
export async function confirmArrival(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	return step(p, orderId, now, ['arrive'], undefined, async (tx, order) => {
		// The buyer has everything: parcels the carrier has not reported are delivered now.
		await tx
			.update(tradeParcels)
			.set({ deliveredAt: now })
			.where(and(eq(tradeParcels.orderId, order.id), isNull(tradeParcels.deliveredAt)));
	});
}

/** The buyer accepts the goods: escrow releases to the supplier less the wholesale fee. */
export async function acceptAndRelease(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	return step(p, orderId, now, ['accept_goods', 'release']);
}

export interface PackingList {
	order: TradeOrderView;
	/** Cartons per line (quantity / pieces per carton, rounded up). */
	lines: {
		lineId: string;
		title: string;
		quantity: number;
		piecesPerCarton: number;
		cartons: number;
		packaging: string[];
	}[];
}

/** The supplier's packing list of an order (print page): the supplier and operators. */
export async function packingList(p: Principal, orderId: unknown): Promise<PackingList> {
	const { order, side } = await orderFor(p, orderId, db());
	if (side === 'buyer') throw orderNotFound();
	const rows = await db()
		.select({
			lineId: tradeOrderLines.id,
			title: lots.title,
			quantity: tradeOrderLines.quantity,
			piecesPerCarton: tradeOrderLines.piecesPerCarton,
			packaging: tradeOrderLines.packaging
		})
		.from(tradeOrderLines)
		.innerJoin(lots, eq(lots.id, tradeOrderLines.lotId))
		.where(eq(tradeOrderLines.orderId, order.id))
		.orderBy(asc(lots.title), asc(tradeOrderLines.id));
	return {
		order: await getOrder(p, order.id),
		lines: rows.map((r) => ({
			...r,
			packaging: r.packaging as PackagingOption[],
			cartons: Math.ceil(r.quantity / r.piecesPerCarton)
		}))
	};
}
