// Which dispute steps a side may take now (issue 20): the buttons the buyer's, the supplier's
// and the operator's dispute pages offer. The server decides again (`nextDispute`); this only
// keeps the pages from offering what would be refused. Pure.
import type { DisputeState } from './dispute';

export type DisputeSide = 'buyer' | 'supplier' | 'operator';

export const DISPUTE_PAGE_ACTIONS = [
	'accept',
	'reject',
	'counter',
	'accept_counter',
	'escalate',
	'withdraw',
	'ship_back',
	'confirm_return',
	'rule',
	'add_evidence'
] as const;
export type DisputePageAction = (typeof DISPUTE_PAGE_ACTIONS)[number];

export interface DisputeNow {
	state: DisputeState;
	dueAt: Date | null;
	returnShippedAt: Date | null;
}

/**
 * The steps `side` may take on the dispute at `now`. A party's steps must beat the state's
 * deadline (after it the timer job decides); the operator's ruling has no such limit, and the
 * return's receipt may be confirmed until the job assumes it.
 */
export function disputeActionsFor(
	d: DisputeNow,
	side: DisputeSide,
	now: Date
): DisputePageAction[] {
	if (d.state === 'closed') return [];
	const open = d.dueAt === null || now.getTime() < d.dueAt.getTime();
	const out: DisputePageAction[] = [];
	const answerable = ['awaiting_answer', 'countered', 'rejected'].includes(d.state);
	if (side === 'operator') {
		if (d.state === 'escalated') out.push('rule');
		if (d.state === 'returning' && d.returnShippedAt && open) out.push('confirm_return');
		return out;
	}
	if (open) {
		if (side === 'supplier') {
			if (d.state === 'awaiting_answer') out.push('accept', 'counter', 'reject');
			if (answerable) out.push('escalate');
			if (d.state === 'returning' && d.returnShippedAt) out.push('confirm_return');
		} else {
			if (d.state === 'countered') out.push('accept_counter');
			if (answerable) out.push('escalate', 'withdraw');
			if (d.state === 'returning' && !d.returnShippedAt) out.push('ship_back');
		}
	}
	out.push('add_evidence');
	return out;
}
