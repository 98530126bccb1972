/**
 * Pure rules for stock locks. A lot's free stock is on hand minus what is locked for shows and
 * what orders have allocated; a lock request is granted whole or refused (never partly).
 */

export interface StockCounters {
	onHand: number;
	locked: number;
	allocated: number;
}

export function available(c: StockCounters): number {
	return c.onHand - c.locked - c.allocated;
}

/**
 * `available` spelled in SQL over the `lots` row named `alias` (the one SQL spelling of it, for
 * the stock module's statements): the same formula as `available`, which the test beside this
 * file checks.
 */
export function availableSql(alias = 'lots'): string {
	return `(${alias}.on_hand - ${alias}.locked - ${alias}.allocated)`;
}

/** The invariant the database also enforces: nothing locked or allocated that is not on hand. */
export function isConsistent(c: StockCounters): boolean {
	return c.locked >= 0 && c.allocated >= 0 && c.locked + c.allocated <= c.onHand;
}

export interface BatchRequest {
	quantity: number;
}

export type BatchDecision =
	{ granted: true; availableAfter: number } | { granted: false; available: number };

/**
 * Decides a batch of concurrent requests for one lot in arrival order: each is granted if it
 * fits in what is still free, otherwise refused with the free quantity at that moment. Later
 * smaller requests may still fit after a larger one was refused.
 */
export function decideBatch(
	free: number,
	requests: readonly BatchRequest[]
): {
	decisions: BatchDecision[];
	grantedTotal: number;
} {
	let left = Math.max(0, free);
	let grantedTotal = 0;
	const decisions = requests.map((r): BatchDecision => {
		if (r.quantity > 0 && r.quantity <= left) {
			left -= r.quantity;
			grantedTotal += r.quantity;
			return { granted: true, availableAfter: left };
		}
		return { granted: false, available: left };
	});
	return { decisions, grantedTotal };
}

export type LockChange =
	| { ok: true; delta: number; kind: 'raise' | 'lower' | 'release' | 'none' }
	| { ok: false; reason: 'not_active' | 'invalid_quantity' };

/** What changing a lock's held quantity means. Raising needs free stock; lowering never does. */
export function lockChange(
	current: { quantity: number; status: 'active' | 'released' | 'expired' },
	next: number
): LockChange {
	if (current.status !== 'active') return { ok: false, reason: 'not_active' };
	if (!Number.isInteger(next) || next < 0) return { ok: false, reason: 'invalid_quantity' };
	const delta = next - current.quantity;
	if (delta === 0) return { ok: true, delta: 0, kind: 'none' };
	if (next === 0) return { ok: true, delta, kind: 'release' };
	return { ok: true, delta, kind: delta > 0 ? 'raise' : 'lower' };
}

export type ShowStatus = 'scheduled' | 'live' | 'ended' | 'cancelled';

const SHOW_TRANSITIONS: Record<ShowStatus, ShowStatus[]> = {
	scheduled: ['live', 'cancelled', 'ended'],
	live: ['ended'],
	ended: [],
	cancelled: []
};

export function canTransitionShow(from: ShowStatus, to: ShowStatus): boolean {
	return SHOW_TRANSITIONS[from].includes(to);
}

/** Locks may be taken while a show is scheduled or on air, never after. */
export function showAcceptsLocks(status: ShowStatus): boolean {
	return status === 'scheduled' || status === 'live';
}

/**
 * Takes `quantity` units from a show's active locks for a lot, oldest first (FIFO), as orders
 * consume them. Returns the per-lock amounts, or null when the locks hold too little.
 */
export function planConsumption(
	locks: readonly { id: string; quantity: number }[],
	quantity: number
): { id: string; take: number }[] | null {
	let need = quantity;
	const out: { id: string; take: number }[] = [];
	for (const l of locks) {
		if (need === 0) break;
		const take = Math.min(l.quantity, need);
		if (take > 0) {
			out.push({ id: l.id, take });
			need -= take;
		}
	}
	return need === 0 ? out : null;
}
