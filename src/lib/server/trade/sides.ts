// Whose trade order it is: the buyer organisation, the supplier organisation, an
// operator. Anyone else is told the order does not exist (404), never that it is someone else's.
import { eq } from 'drizzle-orm';
import type { TradeActor } from '$lib/domain/trade/order-state';
import { isOperator, isSupplier, type Principal } from '../auth/principal';
import type { DbOrTx } from '../db';
import { tradeOrders } from '../db/schema';
import { isUuid } from '../ids';
import { orderNotFound, type TradeOrderRow } from './transition';

export type TradeSide = 'buyer' | 'supplier' | 'operator';

/** The caller's side of an order, or null when it is none of theirs. */
export function sideOf(
	p: Principal,
	order: Pick<TradeOrderRow, 'buyerOrgId' | 'supplierId'>
): TradeSide | null {
	if (isOperator(p)) return 'operator';
	if (p.orgKind === 'buyer' && p.orgId && p.orgId === order.buyerOrgId) return 'buyer';
	if (isSupplier(p) && p.orgId === order.supplierId) return 'supplier';
	return null;
}

/** The user id a move records (null for an API token). */
export function actorOf(
	p: Principal,
	side: TradeSide
): { party: TradeActor; userId: string | null } {
	return { party: side, userId: p.userId };
}

/** A raw order id as a uuid, or 404. */
export function orderIdOf(raw: unknown): string {
	if (typeof raw !== 'string' || !isUuid(raw)) throw orderNotFound();
	return raw;
}

/**
 * The order and the caller's side, 404 when it is not theirs. With a transaction, the row is
 * locked FOR UPDATE (the same lock `move` takes, so taking it first changes nothing).
 */
export async function orderFor(
	p: Principal,
	rawId: unknown,
	tx: DbOrTx,
	lock = false
): Promise<{ order: TradeOrderRow; side: TradeSide }> {
	const id = orderIdOf(rawId);
	const q = tx.select().from(tradeOrders).where(eq(tradeOrders.id, id));
	const [order] = lock ? await q.for('update') : await q;
	if (!order) throw orderNotFound();
	const side = sideOf(p, order);
	if (!side) throw orderNotFound();
	return { order, side };
}
