import {
	rooms,
	type TradeCartChangedV1,
	type TradeDisputeChangedV1,
	type TradeOrderChangedV1
} from '$lib/realtime/events';
import { runningTimer } from '$lib/domain/trade/order-state';
import type { TradeCartChanged, TradeDisputeChanged, TradeOrderChanged } from '../events/map';
import { logger } from '../log';
import { currentIo } from '../realtime/io';
import type { TradeOrderRow } from './transition';

/** The `trade.order.changed` payload of an order row as written. */
export function orderChanged(row: TradeOrderRow, change: 'created' | 'changed'): TradeOrderChanged {
	return {
		id: row.id,
		number: row.number,
		state: row.state,
		version: row.version,
		buyerOrgId: row.buyerOrgId,
		supplierId: row.supplierId,
		dueAt: row.dueAt,
		totalFen: row.totalFen,
		change,
		at: row.updatedAt
	};
}

/** After commit: the buyer's and the supplier's org rooms hear of the change (every node). */
export function pushOrderChanged(e: TradeOrderChanged): void {
	const io = currentIo();
	if (!io) return;
	try {
		const msg: TradeOrderChangedV1 = {
			id: e.id,
			number: e.number,
			state: e.state,
			version: e.version,
			buyerOrgId: e.buyerOrgId,
			supplierId: e.supplierId,
			dueAt: e.dueAt ? e.dueAt.toISOString() : null,
			timer: runningTimer(e.state),
			totalFen: e.totalFen,
			change: e.change,
			at: e.at.toISOString()
		};
		io.to([rooms.org(e.buyerOrgId), rooms.org(e.supplierId)]).emit('TradeOrderChangedV1', msg);
	} catch (err) {
		logger().warn({ err }, 'trade order publish failed');
	}
}

/** After commit: the buyer org's other tabs refetch the cart. */
export function pushCartChanged(e: TradeCartChanged): void {
	const io = currentIo();
	if (!io) return;
	const msg: TradeCartChangedV1 = { buyerOrgId: e.buyerOrgId, updatedAt: e.at.toISOString() };
	io.to(rooms.org(e.buyerOrgId)).emit('TradeCartChangedV1', msg);
}

/** After commit: both sides see the dispute's state and deadline live. */
export function pushDisputeChanged(e: TradeDisputeChanged): void {
	const io = currentIo();
	if (!io) return;
	const msg: TradeDisputeChangedV1 = {
		id: e.id,
		orderId: e.orderId,
		state: e.state,
		version: e.version,
		dueAt: e.dueAt ? e.dueAt.toISOString() : null,
		at: e.at.toISOString()
	};
	io.to([rooms.org(e.buyerOrgId), rooms.org(e.supplierId)]).emit('TradeDisputeChangedV1', msg);
}
