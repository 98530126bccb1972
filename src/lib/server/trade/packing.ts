// What the packing list prints beside lifecycle's packingList(): the sealed sample
// the order ships against (封样, issue 19), when the order carries one.
import { and, eq, or, type SQL } from 'drizzle-orm';
import { isOperator, principalOrThrow, type Principal } from '../auth/principal';
import { db } from '../db';
import { tradeOrders, tradeSealedReferences } from '../db/schema';
import { notFound } from '../errors';
import { isUuid } from '../validation';

export interface SealedReferenceView {
	sampleId: string;
	/** Tag numbers of the sealed pieces (`YP…`), in order. */
	tags: string[];
	title: string;
	grade: string;
	/** The sealed photos (supplier's per piece, then the buyer's at approval). */
	photos: string[];
	/** The lot's spec as sealed. */
	spec: Record<string, string>;
	sealedAt: string;
}

/**
 * The sealed reference of an order, for its supplier, its buyer or an operator (404 for anyone
 * else, as the order itself); null when the order ships against no tagged sample.
 */
export async function sealedReferenceOf(
	p: Principal | null | undefined,
	orderId: unknown
): Promise<SealedReferenceView | null> {
	const caller = principalOrThrow(p);
	if (!isUuid(orderId)) throw notFound('Order', 'orderId');
	let who: SQL | undefined;
	if (!isOperator(caller)) {
		if (!caller.orgId) throw notFound('Order', 'orderId');
		who = or(eq(tradeOrders.supplierId, caller.orgId), eq(tradeOrders.buyerOrgId, caller.orgId));
	}
	const [row] = await db()
		.select({ sealedSampleId: tradeOrders.sealedSampleId, ref: tradeSealedReferences })
		.from(tradeOrders)
		.leftJoin(tradeSealedReferences, eq(tradeSealedReferences.sampleId, tradeOrders.sealedSampleId))
		.where(and(eq(tradeOrders.id, orderId), who))
		.limit(1);
	if (!row) throw notFound('Order', 'orderId');
	if (!row.ref) return null;
	const snap = row.ref.snapshot as {
		tags?: unknown;
		title?: unknown;
		grade?: unknown;
		photos?: unknown;
		spec?: unknown;
	};
	return {
		sampleId: row.ref.sampleId,
		tags: Array.isArray(snap.tags) ? snap.tags.map(String) : [],
		title: typeof snap.title === 'string' ? snap.title : '',
		grade: typeof snap.grade === 'string' ? snap.grade : '',
		photos: Array.isArray(snap.photos) ? snap.photos.map(String) : [],
		spec:
			snap.spec && typeof snap.spec === 'object'
				? Object.fromEntries(Object.entries(snap.spec).map(([k, v]) => [k, String(v)]))
				: {},
		sealedAt: row.ref.sealedAt.toISOString()
	};
}
