// Trade orders as their buyer, their supplier or an operator sees them (TradeOrderView /
// TradeOrderSummary). A list is two queries whatever its length (orders with their names and
// line counts, then their payment intents); one order is five small ones.
import { and, asc, desc, eq, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import {
	actionsFor,
	runningTimer,
	TRADE_ORDER_STATES,
	isTerminal,
	type TradeOrderState
} from '$lib/domain/trade/order-state';
import type {
	TradeAction,
	TradeOrderEventView,
	TradeOrderLineView,
	TradeOrderSummary,
	TradeOrderView,
	TradeParcelView,
	TradeReplacementView,
	TradePaymentView
} from '$lib/trade/types';
import { isOperator, type Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import {
	lots,
	tradeOrderEvents,
	tradeOrderLines,
	tradeOrders,
	tradeParcels,
	tradePaymentIntents
} from '../db/schema';
import { forbidden, parse } from '../errors';
import type { PackagingOption } from '$lib/domain/trade/policy';
import { ListOrdersInput } from './schemas';
import { orderFor, type TradeSide } from './sides';
import { replacementViews } from './replacements';

export type OrderRow = typeof tradeOrders.$inferSelect;
export type IntentRow = typeof tradePaymentIntents.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function paymentView(i: IntentRow | undefined): TradePaymentView | null {
	if (!i) return null;
	return {
		intentId: i.id,
		provider: i.provider === 'test' ? 'test' : 'bank_transfer',
		status: i.status,
		amountFen: i.amountFen,
		instructions: i.instructions,
		expiresAt: iso(i.expiresAt)
	};
}

/** What the viewer may do now: the domain's actions for their side (plus paying by test provider). */
export function viewerActions(
	state: TradeOrderState,
	side: TradeSide,
	payment: TradePaymentView | null
): TradeAction[] {
	const list = actionsFor(state, side);
	// The buyer presses "pay" for the test provider (the provider then confirms as the system).
	if (
		side === 'buyer' &&
		state === 'pending_payment' &&
		payment?.provider === 'test' &&
		!list.includes('pay')
	)
		list.unshift('pay');
	return list;
}

function summaryOf(
	o: OrderRow,
	names: { buyerName: string; supplierName: string; pieces: number; lineCount: number },
	intent: IntentRow | undefined,
	side: TradeSide
): TradeOrderSummary {
	const payment = paymentView(intent);
	return {
		id: o.id,
		number: o.number,
		checkoutId: o.checkoutId,
		state: o.state,
		version: o.version,
		buyerOrgId: o.buyerOrgId,
		buyerName: names.buyerName,
		supplierId: o.supplierId,
		supplierName: names.supplierName,
		warehouse: { province: o.warehouseProvince, city: o.warehouseCity },
		shipTo: o.shipTo,
		goodsFen: o.goodsFen,
		packagingFen: o.packagingFen,
		freightFen: o.freightFen,
		freightMarketFen: o.freightMarketFen,
		creditFen: o.creditFen,
		totalFen: o.totalFen,
		feeBp: o.feeBp,
		createdAt: o.createdAt.toISOString(),
		paidAt: iso(o.paidAt),
		acceptedAt: iso(o.acceptedAt),
		packedAt: iso(o.packedAt),
		shippedAt: iso(o.shippedAt),
		arrivedAt: iso(o.arrivedAt),
		acceptedByBuyerAt: iso(o.acceptedByBuyerAt),
		releasedAt: iso(o.releasedAt),
		closedAt: iso(o.closedAt),
		timer: runningTimer(o.state),
		dueAt: iso(o.dueAt),
		payment,
		actions: viewerActions(o.state, side, payment),
		pieces: names.pieces,
		lineCount: names.lineCount
	};
}

const summaryColumns = {
	o: tradeOrders,
	buyerName: sql<string>`(select g.name from orgs g where g.id = "trade_orders"."buyer_org_id")`,
	supplierName: sql<string>`(select g.name from orgs g where g.id = "trade_orders"."supplier_id")`,
	pieces: sql<number>`(select coalesce(sum(l.quantity), 0)::int from trade_order_lines l where l.order_id = "trade_orders"."id")`,
	lineCount: sql<number>`(select count(*)::int from trade_order_lines l where l.order_id = "trade_orders"."id")`
};

/** The latest order intent of each order (an order has one; a retry would add another). */
async function intentsOf(tx: DbOrTx, orderIds: string[]): Promise<Map<string, IntentRow>> {
	const out = new Map<string, IntentRow>();
	if (orderIds.length === 0) return out;
	const rows = await tx
		.select()
		.from(tradePaymentIntents)
		.where(and(eq(tradePaymentIntents.kind, 'order'), inArray(tradePaymentIntents.refId, orderIds)))
		.orderBy(asc(tradePaymentIntents.createdAt));
	for (const r of rows) out.set(r.refId, r);
	return out;
}

type LineRow = typeof tradeOrderLines.$inferSelect & { title: string; grade: 'A' | 'B' | 'C' };

/** One order's view from its rows (read here, or just written by the checkout). */
export function viewOf(parts: {
	order: OrderRow;
	buyerName: string;
	supplierName: string;
	lines: LineRow[];
	parcels: (typeof tradeParcels.$inferSelect)[];
	events: (typeof tradeOrderEvents.$inferSelect)[];
	intent: IntentRow | undefined;
	side: TradeSide;
	replacements?: TradeReplacementView[];
}): TradeOrderView {
	const {
		pieces: _p,
		lineCount: _c,
		...summary
	} = summaryOf(
		parts.order,
		{ buyerName: parts.buyerName, supplierName: parts.supplierName, pieces: 0, lineCount: 0 },
		parts.intent,
		parts.side
	);
	return {
		...summary,
		lines: parts.lines.map((l): TradeOrderLineView => ({
			id: l.id,
			lotId: l.lotId,
			title: l.title,
			grade: l.grade,
			quantity: l.quantity,
			unitPriceFen: l.unitPriceFen,
			goodsFen: l.goodsFen,
			packaging: l.packaging as PackagingOption[],
			packagingFen: l.packagingFen,
			creditFen: l.creditFen,
			lineFen: l.lineFen,
			piecesPerCarton: l.piecesPerCarton
		})),
		parcels: parts.parcels.map((p): TradeParcelView => ({
			id: p.id,
			carrier: p.carrier,
			trackingNo: p.trackingNo,
			cartons: p.cartons,
			shippedAt: p.shippedAt.toISOString(),
			deliveredAt: iso(p.deliveredAt),
			replacement: p.replacement
		})),
		replacements: parts.replacements ?? [],
		events: parts.events.map((e): TradeOrderEventView => ({
			from: e.fromState,
			to: e.toState,
			action: e.action,
			actor: e.actor,
			note: e.note,
			at: e.at.toISOString()
		}))
	};
}

/**
 * Full views of some orders, for a side already authorised (services call this after their
 * check; `sideFor` decides per order). Five queries whatever the number of orders.
 */
export async function orderViews(
	tx: DbOrTx,
	ids: readonly string[],
	sideFor: (o: OrderRow) => TradeSide
): Promise<TradeOrderView[]> {
	if (ids.length === 0) return [];
	const list = [...ids];
	const [orders, lineRows, parcels, events, intents, replacements] = await Promise.all([
		tx.select(summaryColumns).from(tradeOrders).where(inArray(tradeOrders.id, list)),
		tx
			.select({
				l: tradeOrderLines,
				title: lots.title,
				grade: lots.grade
			})
			.from(tradeOrderLines)
			.innerJoin(lots, eq(lots.id, tradeOrderLines.lotId))
			.where(inArray(tradeOrderLines.orderId, list))
			.orderBy(asc(tradeOrderLines.orderId), asc(tradeOrderLines.lotId)),
		tx
			.select()
			.from(tradeParcels)
			.where(inArray(tradeParcels.orderId, list))
			.orderBy(asc(tradeParcels.shippedAt), asc(tradeParcels.id)),
		tx
			.select()
			.from(tradeOrderEvents)
			.where(inArray(tradeOrderEvents.orderId, list))
			.orderBy(asc(tradeOrderEvents.at), asc(tradeOrderEvents.id)),
		intentsOf(tx, list),
		replacementViews(tx, list)
	]);
	const byId = new Map(orders.map((r) => [r.o.id, r]));
	const group = <T>(rows: T[], key: (r: T) => string) => {
		const m = new Map<string, T[]>();
		for (const r of rows) {
			const k = key(r);
			const a = m.get(k);
			if (a) a.push(r);
			else m.set(k, [r]);
		}
		return m;
	};
	const linesBy = group(lineRows, (r) => r.l.orderId);
	const parcelsBy = group(parcels, (r) => r.orderId);
	const eventsBy = group(events, (r) => r.orderId);
	const out: TradeOrderView[] = [];
	for (const id of list) {
		const r = byId.get(id);
		if (!r) continue;
		out.push(
			viewOf({
				order: r.o,
				buyerName: r.buyerName,
				supplierName: r.supplierName,
				lines: (linesBy.get(id) ?? []).map(({ l, title, grade }) => ({ ...l, title, grade })),
				parcels: parcelsBy.get(id) ?? [],
				events: eventsBy.get(id) ?? [],
				intent: intents.get(id),
				side: sideFor(r.o),
				replacements: replacements.get(id) ?? []
			})
		);
	}
	return out;
}

/** One order as its buyer, its supplier or an operator sees it; 404 for anyone else. */
export async function getOrder(p: Principal, orderId: unknown): Promise<TradeOrderView> {
	// Anyone who is not a side of the order (another buyer, another supplier, a host team) gets
	// the same 404 as for an id that does not exist, on this read and on every step.
	const { order, side } = await orderFor(p, orderId, db());
	const [view] = await orderViews(db(), [order.id], () => side);
	return view!;
}

const TERMINAL = TRADE_ORDER_STATES.filter((s) => isTerminal(s));

/** The caller's orders (buyer org's, supplier org's; operators: all), newest first. */
export async function listOrders(
	p: Principal,
	raw: { state?: TradeOrderState | 'open' | 'closed'; before?: string; limit?: number } = {}
): Promise<TradeOrderSummary[]> {
	const q = parse(ListOrdersInput, raw);
	const where: SQL[] = [];
	let side: TradeSide;
	if (isOperator(p)) side = 'operator';
	else if (p.orgKind === 'buyer' && p.orgId) {
		side = 'buyer';
		where.push(eq(tradeOrders.buyerOrgId, p.orgId));
	} else if (p.orgKind === 'supplier' && p.orgId) {
		side = 'supplier';
		where.push(eq(tradeOrders.supplierId, p.orgId));
	} else throw forbidden();
	if (q.state === 'open') where.push(notInArray(tradeOrders.state, TERMINAL));
	else if (q.state === 'closed') where.push(inArray(tradeOrders.state, TERMINAL));
	else if (q.state) where.push(eq(tradeOrders.state, q.state));
	if (q.before) where.push(lt(tradeOrders.createdAt, new Date(q.before)));
	const rows = await db()
		.select(summaryColumns)
		.from(tradeOrders)
		.where(and(...where))
		.orderBy(desc(tradeOrders.createdAt), desc(tradeOrders.number))
		.limit(q.limit);
	const intents = await intentsOf(
		db(),
		rows.map((r) => r.o.id)
	);
	return rows.map((r) => summaryOf(r.o, r, intents.get(r.o.id), side));
}
