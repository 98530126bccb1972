// One timer job for all four timers of a trade order (unpaid expiry included).
import { and, asc, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import { due } from '$lib/domain/trade/order-state';
import { tradeOrders } from '../db/schema';
import { transaction } from '../events/bus';
import { logger } from '../log';
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
	let moved = 0;
	// Orders this run could not move (nothing due after all, or a failure): not picked again.
	const passed: string[] = [];
	while (moved + passed.length < limit) {
		let claimed: string | null = null;
		try {
			const results = await transaction(async (tx) => {
				const [order] = await tx
					.select()
					.from(tradeOrders)
					.where(
						and(
							isNotNull(tradeOrders.dueAt),
							lte(tradeOrders.dueAt, now),
							passed.length ? notInArray(tradeOrders.id, passed) : sql`true`
						)
					)
					.orderBy(asc(tradeOrders.dueAt))
					.limit(1)
					.for('update', { skipLocked: true });
				if (!order) return null;
				claimed = order.id;
				const todo = due(order, now, policy);
				if (!todo) return [];
				const actor = { party: 'system' as const, userId: null };
				const out: MoveResult[] = [
					await moveOrder(tx, { orderId: order.id, action: todo.action, actor, now, policy })
				];
				// Automatic acceptance releases the escrow at once.
				if (todo.action === 'auto_accept') {
					out.push(
						await moveOrder(tx, { orderId: order.id, action: 'release', actor, now, policy })
					);
				}
				return out;
			});
			if (results === null) break;
			if (results.length === 0) {
				passed.push(claimed!);
				continue;
			}
			publishMoved(results);
			moved++;
		} catch (err) {
			if (!claimed) throw err;
			logger().error({ err, orderId: claimed }, 'trade timer failed for an order');
			passed.push(claimed);
		}
	}
	return { moved };
}
