import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import {
	availableActions,
	slaState,
	type FulfilmentAction,
	type FulfilmentStatus,
	type FreightQuote,
	type SlaState
} from '$lib/domain/orders';
import type { Policy } from '$lib/domain/policy';
import type { Principal } from '../auth/principal';
import { currentPolicy } from '../platform/policy';
import { db, type Db, type DbOrTx } from '../db';
import {
	defectClaims,
	fulfilmentEvents,
	fulfilments,
	orderLines,
	orders,
	shows,
	type ShipTo
} from '../db/schema';
import { notFound, parse } from '../errors';
import { hostTeamOf, supplierOrgOf } from '../auth/principal';
import { authorizeShow } from '../live/access';
import { freightQuotes } from './freight';
import { isUuid } from '../ids';
import { QueueQuery } from './schemas';

export interface LineView {
	id: string;
	lotId: string;
	lotTitle: string;
	grade: string;
	quantity: number;
	unitPriceFen: number;
	commissionBp: number;
	fromFree: number;
}

export interface FulfilmentView {
	id: string;
	number: number;
	orderId: string;
	externalId: string;
	showId: string;
	showTitle: string;
	teamId: string;
	teamName: string;
	supplierId: string;
	supplierName: string;
	warehouseProvince: string;
	warehouseCity: string;
	kind: 'order' | 'replacement';
	replacesId: string | null;
	status: FulfilmentStatus;
	packaging: string[];
	shipTo: ShipTo;
	carrier: string | null;
	trackingNo: string | null;
	dueAt: string | null;
	freightChargeFen: number;
	exceptionNote: string | null;
	createdAt: string;
	acceptedAt: string | null;
	shippedAt: string | null;
	deliveredAt: string | null;
	pieces: number;
	amountFen: number;
	sla: { state: SlaState; deadline: string | null };
	/** Partner vs market freight for this parcel's route and pieces, when a partner serves it. */
	freight: FreightQuote | null;
	/** Photo keys of defect claims on this parcel, or of the claim a replacement answers. */
	claimPhotos: string[];
	lines: LineView[];
}

export interface OrderView {
	id: string;
	externalId: string;
	showId: string;
	teamId: string;
	source: string;
	shipTo: ShipTo;
	totalFen: number;
	paidAt: string;
	createdAt: string;
	fulfilments: FulfilmentView[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// The order and show of each parcel are looked up by key (not joined), so a parcel list never
// hash-joins over every order whatever the planner guesses of its filter.
const parcelColumns = {
	f: fulfilments,
	externalId: sql<string>`(select o.external_id from orders o where o.id = "fulfilments"."order_id")`,
	showTitle: sql<string>`(select s.title from shows s where s.id = "fulfilments"."show_id")`,
	supplierName: sql<string>`(select o.name from orgs o where o.id = "fulfilments"."supplier_id")`,
	teamName: sql<string>`(select o.name from orgs o where o.id = "fulfilments"."team_id")`
};
const lineColumns = {
	l: orderLines,
	lotTitle: sql<string>`(select l.title from lots l where l.id = "order_lines"."lot_id")`,
	grade: sql<LineView['grade']>`(select l.grade from lots l where l.id = "order_lines"."lot_id")`
};
const claimColumns = {
	fulfilmentId: defectClaims.fulfilmentId,
	replacementId: defectClaims.replacementId,
	photos: defectClaims.photos
};
type ParcelRow = {
	f: typeof fulfilments.$inferSelect;
	externalId: string;
	showTitle: string;
	supplierName: string;
	teamName: string;
};

const IDS = sql.placeholder('ids');
/** Ids as the value of an `= any(${IDS}::uuid[])` placeholder. */
const idList = (ids: string[]) => `{${ids.join(',')}}`;

function prepareReads(d: Db) {
	return {
		orders: d
			.select()
			.from(orders)
			.where(sql`${orders.id} = any(${IDS}::uuid[])`)
			.prepare('orders_by_ids'),
		parcelsOfOrders: d
			.select(parcelColumns)
			.from(fulfilments)
			.where(sql`${fulfilments.orderId} = any(${IDS}::uuid[])`)
			.orderBy(asc(fulfilments.createdAt), desc(fulfilments.number))
			.prepare('parcels_by_orders'),
		lines: d
			.select(lineColumns)
			.from(orderLines)
			.where(sql`${orderLines.fulfilmentId} = any(${IDS}::uuid[])`)
			.orderBy(asc(orderLines.id))
			.prepare('lines_by_parcels'),
		claims: d
			.select(claimColumns)
			.from(defectClaims)
			.where(
				sql`${defectClaims.fulfilmentId} = any(${IDS}::uuid[]) or ${defectClaims.replacementId} = any(${IDS}::uuid[])`
			)
			.prepare('claims_by_parcels')
	};
}
const prepared = new WeakMap<object, ReturnType<typeof prepareReads>>();

/**
 * The reads an order's view takes, built once per database when they run outside a transaction:
 * drizzle builds a select's SQL afresh on every call, which cost a flash sale's server more than
 * anything else in answering the retried webhooks of each batch. Inside a transaction (whose
 * snapshot they must see) they are built each time.
 */
function preparedReads(tx: DbOrTx) {
	if (tx !== db()) return null;
	let p = prepared.get(tx);
	if (!p) {
		p = prepareReads(tx);
		prepared.set(tx, p);
	}
	return p;
}

/** Fulfilments by a condition, with their lines, names and SLA, newest first. */
export async function loadFulfilments(
	where: SQL | undefined,
	opts: {
		/** At most this many parcels (200 by default); null: all that match. */
		limit?: number | null;
		policy?: Policy;
		order?: 'newest' | 'oldest';
		tx?: DbOrTx;
	} = {}
): Promise<FulfilmentView[]> {
	const tx = opts.tx ?? db();
	const rows = await tx
		.select(parcelColumns)
		.from(fulfilments)
		.where(where)
		.orderBy(
			opts.order === 'oldest' ? asc(fulfilments.createdAt) : desc(fulfilments.createdAt),
			desc(fulfilments.number)
		)
		.limit(opts.limit === null ? Number.MAX_SAFE_INTEGER : (opts.limit ?? 200));
	return parcelViews(rows, tx, opts.policy);
}

/** The views of some parcels: their lines and claims fetched together (pipelined). */
async function parcelViews(
	rows: ParcelRow[],
	tx: DbOrTx,
	given?: Policy
): Promise<FulfilmentView[]> {
	if (rows.length === 0) return [];
	const policy = given ?? currentPolicy();
	const ids = rows.map((r) => r.f.id);
	const reads = preparedReads(tx);
	const [lineRows, claims] = await Promise.all([
		reads
			? reads.lines.execute({ ids: idList(ids) })
			: tx
					.select(lineColumns)
					.from(orderLines)
					.where(inArray(orderLines.fulfilmentId, ids))
					.orderBy(asc(orderLines.id)),
		reads
			? reads.claims.execute({ ids: idList(ids) })
			: tx
					.select(claimColumns)
					.from(defectClaims)
					.where(
						or(inArray(defectClaims.fulfilmentId, ids), inArray(defectClaims.replacementId, ids))
					)
	]);
	const byF = new Map<string, LineView[]>();
	for (const r of lineRows) {
		const list = byF.get(r.l.fulfilmentId) ?? [];
		list.push({
			id: r.l.id,
			lotId: r.l.lotId,
			lotTitle: r.lotTitle,
			grade: r.grade,
			quantity: r.l.quantity,
			unitPriceFen: r.l.unitPriceFen,
			commissionBp: r.l.commissionBp,
			fromFree: r.l.fromFree
		});
		byF.set(r.l.fulfilmentId, list);
	}
	const pieces = (id: string) => (byF.get(id) ?? []).reduce((s, l) => s + l.quantity, 0);
	const quotes = await freightQuotes(
		rows
			.filter((r) => r.f.warehouseProvince && r.f.shipTo.province)
			.map((r) => ({
				origin: r.f.warehouseProvince,
				dest: r.f.shipTo.province,
				pieces: pieces(r.f.id)
			}))
			.filter((r) => r.pieces > 0),
		tx
	);
	const photosOf = new Map<string, string[]>();
	for (const c of claims) {
		for (const id of [c.fulfilmentId, c.replacementId]) {
			if (id) photosOf.set(id, [...(photosOf.get(id) ?? []), ...c.photos]);
		}
	}
	const now = new Date();
	return rows.map(({ f, externalId, showTitle, supplierName, teamName }) => {
		const lines = byF.get(f.id) ?? [];
		const sla = slaState(
			{ status: f.status, createdAt: f.createdAt, dueAt: f.dueAt, kind: f.kind },
			now,
			policy
		);
		return {
			id: f.id,
			number: f.number,
			orderId: f.orderId,
			externalId,
			showId: f.showId,
			showTitle,
			teamId: f.teamId,
			teamName: teamName ?? '',
			supplierId: f.supplierId,
			supplierName: supplierName ?? '',
			warehouseProvince: f.warehouseProvince,
			warehouseCity: f.warehouseCity,
			kind: f.kind,
			replacesId: f.replacesId,
			status: f.status,
			packaging: f.packaging,
			shipTo: f.shipTo,
			carrier: f.carrier,
			trackingNo: f.trackingNo,
			dueAt: iso(f.dueAt),
			freightChargeFen: f.freightChargeFen,
			exceptionNote: f.exceptionNote,
			createdAt: f.createdAt.toISOString(),
			acceptedAt: iso(f.acceptedAt),
			shippedAt: iso(f.shippedAt),
			deliveredAt: iso(f.deliveredAt),
			pieces: lines.reduce((s, l) => s + l.quantity, 0),
			amountFen: lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0),
			sla: { state: sla.state, deadline: iso(sla.deadline) },
			claimPhotos: photosOf.get(f.id) ?? [],
			freight: quotes.get(`${f.warehouseProvince}|${f.shipTo.province}|${pieces(f.id)}`) ?? null,
			lines
		};
	});
}

export async function orderView(orderId: string, tx: DbOrTx = db()): Promise<OrderView | null> {
	return (await orderViews([orderId], tx)).get(orderId) ?? null;
}

/**
 * Several orders' views in the same four queries as one (an order batch answers all its
 * repeated webhooks at once): the orders and their parcels read together (pipelined), then the
 * parcels' lines and claims. Orders not found are absent from the map.
 */
export async function orderViews(
	orderIds: string[],
	tx: DbOrTx = db()
): Promise<Map<string, OrderView>> {
	const ids = [...new Set(orderIds)];
	if (ids.length === 0) return new Map();
	const reads = preparedReads(tx);
	const [os, fs] = await Promise.all([
		reads
			? reads.orders.execute({ ids: idList(ids) })
			: tx.select().from(orders).where(inArray(orders.id, ids)),
		reads
			? reads.parcelsOfOrders.execute({ ids: idList(ids) }).then((rows) => parcelViews(rows, tx))
			: loadFulfilments(inArray(fulfilments.orderId, ids), { order: 'oldest', tx, limit: null })
	]);
	const parcels = new Map<string, FulfilmentView[]>();
	for (const f of fs) {
		const list = parcels.get(f.orderId) ?? [];
		list.push(f);
		parcels.set(f.orderId, list);
	}
	return new Map(
		os.map((o) => [
			o.id,
			{
				id: o.id,
				externalId: o.externalId,
				showId: o.showId,
				teamId: o.teamId,
				source: o.source,
				shipTo: o.shipTo,
				totalFen: o.totalFen,
				paidAt: o.paidAt.toISOString(),
				createdAt: o.createdAt.toISOString(),
				fulfilments: parcels.get(o.id) ?? []
			}
		])
	);
}

/** Who a fulfilment's viewer is to it: its supplier, its host team, an operator, or nobody. */
export function sideOf(
	actor: Principal,
	f: { supplierId: string; teamId: string }
): 'supplier' | 'team' | 'operator' | null {
	const a = hostTeamOf(actor);
	if (actor.orgId === f.supplierId && actor.orgKind === 'supplier') return 'supplier';
	if (a.orgId === f.teamId && a.mayWrite) return 'team';
	if (a.isOperator) return 'operator';
	return null;
}

export interface FulfilmentWithActions extends FulfilmentView {
	actions: FulfilmentAction[];
}

function withActions(
	f: FulfilmentView,
	side: 'supplier' | 'team' | 'operator'
): FulfilmentWithActions {
	return { ...f, actions: side === 'operator' ? [] : availableActions(f.status, side) };
}

/** One fulfilment for its supplier, its host team or an operator; 404 for anyone else. */
export async function getFulfilment(actor: Principal, id: string): Promise<FulfilmentWithActions> {
	if (!isUuid(id)) throw notFound('Fulfilment', 'id');
	const [f] = await loadFulfilments(eq(fulfilments.id, id), { limit: 1 });
	if (!f) throw notFound('Fulfilment', 'id');
	const side = sideOf(actor, f);
	if (!side) throw notFound('Fulfilment', 'id');
	return withActions(f, side);
}

/** The supplier whose queue the caller works (its staff or its token), or 403. */
export const supplierOf = (actor: Principal): string => supplierOrgOf(actor, 'err.supplier_queue');

const OPEN: FulfilmentStatus[] = ['pending', 'accepted', 'packed', 'address_problem'];

/** The supplier's queue: its own fulfilments only, open ones oldest first. */
export async function supplierQueue(
	actor: Principal,
	raw: unknown = {}
): Promise<FulfilmentWithActions[]> {
	const supplierId = supplierOf(actor);
	const q = parse(QueueQuery, raw);
	const own = eq(fulfilments.supplierId, supplierId);
	let where: SQL | undefined;
	switch (q.status) {
		case 'open':
			where = and(own, inArray(fulfilments.status, OPEN));
			break;
		case 'exceptions':
			where = and(own, inArray(fulfilments.status, ['out_of_stock', 'address_problem']));
			break;
		case 'closed':
			where = and(own, inArray(fulfilments.status, ['returned', 'cancelled', 'out_of_stock']));
			break;
		case 'all':
			where = own;
			break;
		default:
			where = and(own, eq(fulfilments.status, q.status));
	}
	const list = await loadFulfilments(where, {
		limit: q.limit,
		order: q.status === 'open' ? 'oldest' : 'newest'
	});
	return list.map((f) => withActions(f, 'supplier'));
}

/** Some fulfilments of the actor's supplier by id (for printing); others are left out. */
export async function supplierFulfilments(
	actor: Principal,
	ids: string[]
): Promise<FulfilmentView[]> {
	const supplierId = supplierOf(actor);
	const valid = ids.filter((id) => isUuid(id)).slice(0, 500);
	if (valid.length === 0) return [];
	return loadFulfilments(
		and(eq(fulfilments.supplierId, supplierId), inArray(fulfilments.id, valid)),
		{ limit: 500, order: 'oldest' }
	);
}

export interface ShowOrdersView {
	show: { id: string; title: string; status: string; teamId: string };
	fulfilments: FulfilmentWithActions[];
	counts: Record<FulfilmentStatus, number>;
	overdue: number;
	totalFen: number;
	orders: number;
}

/** Every order of a show, by fulfilment, with live status and SLA: the host team's view. */
export async function showOrders(actor: Principal, showId: string): Promise<ShowOrdersView> {
	await authorizeShow(actor, showId, 'read');
	const [show] = await db()
		.select({ id: shows.id, title: shows.title, status: shows.status, teamId: shows.teamId })
		.from(shows)
		.where(eq(shows.id, showId));
	if (!show) throw notFound('Show', 'showId');
	const list = await loadFulfilments(eq(fulfilments.showId, showId), { limit: 2000 });
	const counts = Object.fromEntries(
		(
			[
				'pending',
				'accepted',
				'packed',
				'shipped',
				'delivered',
				'returned',
				'cancelled',
				'out_of_stock',
				'address_problem'
			] as const
		).map((s) => [s, 0])
	) as Record<FulfilmentStatus, number>;
	for (const f of list) counts[f.status]++;
	const [agg] = await db()
		.select({
			orders: sql<number>`count(*)`.mapWith(Number),
			total: sql<number>`coalesce(sum(${orders.totalFen}), 0)`.mapWith(Number)
		})
		.from(orders)
		.where(eq(orders.showId, showId));
	const side = hostTeamOf(actor).isOperator ? 'operator' : 'team';
	return {
		show,
		fulfilments: list.map((f) => withActions(f, side)),
		counts,
		overdue: list.filter((f) => f.sla.state !== 'ok').length,
		totalFen: agg?.total ?? 0,
		orders: agg?.orders ?? 0
	};
}

/** The audit trail of a fulfilment, for its parties. */
export async function fulfilmentHistory(actor: Principal, id: string) {
	await getFulfilment(actor, id);
	return db()
		.select({
			from: fulfilmentEvents.fromStatus,
			to: fulfilmentEvents.toStatus,
			note: fulfilmentEvents.note,
			at: fulfilmentEvents.at,
			actorUserId: fulfilmentEvents.actorUserId
		})
		.from(fulfilmentEvents)
		.where(eq(fulfilmentEvents.fulfilmentId, id))
		.orderBy(asc(fulfilmentEvents.at), asc(fulfilmentEvents.id));
}

/** An order for its host team or an operator; 404 for anyone else. */
export async function getOrder(actor: Principal, id: string): Promise<OrderView> {
	if (!isUuid(id)) throw notFound('Order', 'id');
	const o = await orderView(id);
	if (!o) throw notFound('Order', 'id');
	const a = hostTeamOf(actor);
	if (!(a.isOperator || (a.orgId === o.teamId && a.mayWrite))) throw notFound('Order', 'id');
	return o;
}
