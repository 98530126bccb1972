// One timer job for all four timers of a trade order (unpaid expiry included).
import { runDue } from './due-loop';
import { and, asc, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import { due } from '$lib/domain/trade/order-state';
import { tradeOrders } from '../db/schema';
import { currentPolicy } from '../platform/policy';
import { moveOrder, publishMoved, type MoveResult } from './transition';

/**
 * The trade timer job: every order whose `due_at` has passed gets its timeout action (domain
 * `due`): unpaid → cancelled_unpaid (stock back), accept/ship SLA → cancelled_sla (refund, stock
 * back), inspection window → auto_accepted → released (one transaction), and an order left
 * accepted (`due_at` = the acceptance) is released. Safe on several nodes: each order is claimed
 * with `FOR UPDATE SKIP LOCKED` in its own transaction, and `move` re-checks the state under the
 * lock, so a second runner skips it or finds nothing due. Returns how many orders it moved.
 */
export async function runTradeTimers(
	now: Date = new Date(),
	limit = 200
): Promise<{ moved: number }> {
	const policy = currentPolicy().trade;
	return runDue(
		'trade timer',
		limit,
		async (tx, passed, claim) => {
			const [order] = await tx
				.select()
				.from(tradeOrders)
				.where(
					and(
						isNotNull(tradeOrders.dueAt),
						lte(tradeOrders.dueAt, now),
						passed.length ? notInArray(tradeOrders.id, [...passed]) : sql`true`
					)
				)
				.orderBy(asc(tradeOrders.dueAt))
				.limit(1)
				.for('update', { skipLocked: true });
			if (!order) return null;
			claim(order.id);
			const todo = due(order, now, policy);
			if (!todo) return false;
			const actor = { party: 'system' as const, userId: null };
			const out: MoveResult[] = [
				await moveOrder(tx, { orderId: order.id, action: todo.action, actor, now, policy })
			];
			// Automatic acceptance releases the escrow at once.
			if (todo.action === 'auto_accept') {
				out.push(await moveOrder(tx, { orderId: order.id, action: 'release', actor, now, policy }));
			}
			return out;
		},
		publishMoved
	);
}
