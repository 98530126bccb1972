// OWNER: h2 (unpaid expiry included: it is one timer job for all four timers). Contract stub.
/**
 * The trade timer job: every order whose `due_at` has passed gets its timeout action (domain
 * `due`): unpaid → cancelled_unpaid (stock back), accept/ship SLA → cancelled_sla (refund, stock
 * back), inspection window → auto_accepted → released. Safe on several nodes (row locks with
 * SKIP LOCKED / conditional updates). Returns what it did.
 */
export async function runTradeTimers(
	now: Date = new Date(),
	limit = 200
): Promise<{ moved: number }> {
	(void now, void limit);
	throw new Error('not built yet (h2)');
}
