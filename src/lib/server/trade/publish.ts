import {
	rooms,
	type TradeCartChangedV1,
	type TradeDisputeChangedV1,
	type TradeMessageCreatedV1,
	type TradeOrderChangedV1,
	type TradeSampleChangedV1,
	type TradeCreditChangedV1,
	type TradeInvoiceReminderV1
} from '$lib/realtime/events';
import { runningTimer } from '$lib/domain/trade/order-state';
import type {
	TradeCartChanged,
	TradeDisputeChanged,
	TradeMessageCreated,
	TradeOrderChanged,
	TradeSampleChanged,
	TradeCreditChanged,
	TradeInvoiceReminder
} from '../events/map';
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

/** After commit: a sample request's buyer and supplier org rooms hear of its new state. */
export function pushSampleChanged(e: TradeSampleChanged): void {
	const io = currentIo();
	if (!io) return;
	const msg: TradeSampleChangedV1 = {
		id: e.id,
		number: e.number,
		lotId: e.lotId,
		state: e.state,
		buyerOrgId: e.buyerOrgId,
		supplierId: e.supplierId,
		dueAt: e.dueAt ? e.dueAt.toISOString() : null,
		at: e.at.toISOString()
	};
	io.to([rooms.org(e.buyerOrgId), rooms.org(e.supplierId)]).emit('TradeSampleChangedV1', msg);
}

/**
 * After commit: the conversation's watchers and the buyer's and supplier's org rooms (the nav's
 * unread badge) hear of a new message, on every node (the socket.io postgres adapter).
 */
export function pushMessageCreated(e: TradeMessageCreated): void {
	const io = currentIo();
	if (!io) return;
	try {
		const msg: TradeMessageCreatedV1 = {
			conversationId: e.conversationId,
			kind: e.kind,
			subjectId: e.subjectId,
			seq: e.seq,
			hash: e.hash,
			party: e.party,
			senderUserId: e.senderUserId,
			at: e.at.toISOString()
		};
		io.to([rooms.conv(e.conversationId), rooms.org(e.buyerOrgId), rooms.org(e.supplierId)]).emit(
			'TradeMessageCreatedV1',
			msg
		);
	} catch (err) {
		logger().warn({ err }, 'trade message publish failed');
	}
}

/** After commit: the buyer org's credit page refetches its account (issue 21). */
export function pushCreditChanged(e: TradeCreditChanged): void {
	const io = currentIo();
	if (!io) return;
	const msg: TradeCreditChangedV1 = {
		buyerOrgId: e.buyerOrgId,
		change: e.change,
		at: e.at.toISOString()
	};
	io.to(rooms.org(e.buyerOrgId)).emit('TradeCreditChangedV1', msg);
}

/** After commit: an invoice reminder to the buyer org's room (shown in-app). */
export function pushInvoiceReminder(e: TradeInvoiceReminder): void {
	const io = currentIo();
	if (!io) return;
	const msg: TradeInvoiceReminderV1 = {
		buyerOrgId: e.buyerOrgId,
		invoiceId: e.invoiceId,
		number: e.number,
		kind: e.kind,
		dueAt: e.dueAt.toISOString(),
		outstandingFen: e.outstandingFen,
		at: e.at.toISOString()
	};
	io.to(rooms.org(e.buyerOrgId)).emit('TradeInvoiceReminderV1', msg);
}

/** After commit: both sides and the operators' queue see the dispute's state and deadline live. */
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
	io.to([rooms.org(e.buyerOrgId), rooms.org(e.supplierId), rooms.operators()]).emit(
		'TradeDisputeChangedV1',
		msg
	);
}
