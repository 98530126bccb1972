// OWNER: h2 — build and commit this FIRST (h1 merges branch h2 to use it for pay/cancel/expire).
// Contract stub — h2 replaces the body.
import type { Tx } from '../db';
import type { TradeAction, TradeActor } from '$lib/domain/trade/order-state';
import type { TradePolicy } from '$lib/domain/trade/policy';
import type { tradeOrders } from '../db/schema';

export type TradeOrderRow = typeof tradeOrders.$inferSelect;

export interface MoveInput {
	orderId: string;
	action: TradeAction;
	actor: { party: TradeActor; userId: string | null };
	now: Date;
	policy: TradePolicy;
	note?: string | null;
}

/**
 * The one place a trade order changes state, inside the caller's `transaction()` (events/bus):
 * locks the order row (FOR UPDATE), asks domain `next()`, applies the step's stock effect through
 * the stock module (release the allocation on cancel, settle as shipped on ship) and its money
 * effect (escrow postings published as `trade.money` in the transaction), writes state, the step's
 * timestamp, `due_at`, `version + 1` and a `trade_order_events` row. Refusals throw AppError
 * (409 `trade_state` / `deadline_passed`, 403 `wrong_actor`). Returns the row after. The caller
 * publishes `trade.order.changed` after commit with `orderChanged(row)`.
 */
export async function move(tx: Tx, input: MoveInput): Promise<TradeOrderRow> {
	(void tx, void input);
	throw new Error('not built yet (h2)');
}
