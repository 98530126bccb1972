// The operators' arbitration queue (/admin/disputes, issue 20): which disputes it lists and in
// what order. Escalated disputes come first, the one whose 48-hour ruling timer ends soonest on
// top (an overdue ruling is the most urgent of all); the others follow by their own deadline
// (the supplier's answer, the buyer's reply, the return leg), closed ones last, newest first.
import { DISPUTE_STATES, type DisputeState } from './dispute';

/** The queue's filters: the open disputes (default), one state, or every dispute. */
export const QUEUE_FILTERS = ['open', ...DISPUTE_STATES, 'all'] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

export interface QueueEntry {
	state: DisputeState;
	/** The running state's deadline (the ruling deadline when escalated); null when closed. */
	dueAt: Date | null;
	filedAt: Date;
}

/** Does a dispute in `state` show under `filter`? */
export function inFilter(state: DisputeState, filter: QueueFilter): boolean {
	if (filter === 'all') return true;
	if (filter === 'open') return state !== 'closed';
	return state === filter;
}

const rank = (e: QueueEntry) => (e.state === 'escalated' ? 0 : e.state === 'closed' ? 2 : 1);

/** The queue's order (a new array; the input is left as it is). */
export function queueOrder<T extends QueueEntry>(entries: readonly T[]): T[] {
	return [...entries].sort((a, b) => {
		const r = rank(a) - rank(b);
		if (r !== 0) return r;
		if (rank(a) === 2) return b.filedAt.getTime() - a.filedAt.getTime();
		const da = a.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
		const db = b.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
		if (da !== db) return da - db;
		return a.filedAt.getTime() - b.filedAt.getTime();
	});
}

/** An escalated dispute whose ruling deadline has passed (the queue highlights it). */
export function rulingLate(e: QueueEntry, now: Date): boolean {
	return e.state === 'escalated' && e.dueAt !== null && now.getTime() >= e.dueAt.getTime();
}
