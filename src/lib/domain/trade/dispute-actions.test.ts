import { describe, expect, it } from 'vitest';
import { DISPUTE_STATES } from './dispute';
import { disputeActionsFor, type DisputeNow } from './dispute-actions';

const now = new Date('2026-05-01T10:00:00Z');
const later = new Date('2026-05-02T10:00:00Z');
const earlier = new Date('2026-04-30T10:00:00Z');
const d = (state: DisputeNow['state'], extra: Partial<DisputeNow> = {}): DisputeNow => ({
	state,
	dueAt: later,
	returnShippedAt: null,
	...extra
});

describe('disputeActionsFor', () => {
	it('offers the supplier its answer while it is awaited, the buyer escalation and withdrawal', () => {
		expect(disputeActionsFor(d('awaiting_answer'), 'supplier', now)).toEqual([
			'accept',
			'counter',
			'reject',
			'escalate',
			'add_evidence'
		]);
		expect(disputeActionsFor(d('awaiting_answer'), 'buyer', now)).toEqual([
			'escalate',
			'withdraw',
			'add_evidence'
		]);
	});

	it('lets the buyer take a counter-offer; the supplier may only escalate then', () => {
		expect(disputeActionsFor(d('countered'), 'buyer', now)).toEqual([
			'accept_counter',
			'escalate',
			'withdraw',
			'add_evidence'
		]);
		expect(disputeActionsFor(d('countered'), 'supplier', now)).toEqual([
			'escalate',
			'add_evidence'
		]);
	});

	it('the return leg: the buyer ships, then the supplier (or an operator) confirms', () => {
		expect(disputeActionsFor(d('returning'), 'buyer', now)).toEqual(['ship_back', 'add_evidence']);
		expect(disputeActionsFor(d('returning'), 'supplier', now)).toEqual(['add_evidence']);
		const shipped = d('returning', { returnShippedAt: earlier });
		expect(disputeActionsFor(shipped, 'buyer', now)).toEqual(['add_evidence']);
		expect(disputeActionsFor(shipped, 'supplier', now)).toEqual(['confirm_return', 'add_evidence']);
		expect(disputeActionsFor(shipped, 'operator', now)).toEqual(['confirm_return']);
	});

	it('only the operator rules an escalated dispute, also after its ruling deadline', () => {
		expect(disputeActionsFor(d('escalated', { dueAt: earlier }), 'operator', now)).toEqual([
			'rule'
		]);
		expect(disputeActionsFor(d('escalated'), 'buyer', now)).toEqual(['add_evidence']);
		expect(disputeActionsFor(d('escalated'), 'supplier', now)).toEqual(['add_evidence']);
	});

	it('offers no step past the deadline (the timer decides) and nothing once closed', () => {
		for (const side of ['buyer', 'supplier'] as const) {
			expect(disputeActionsFor(d('awaiting_answer', { dueAt: now }), side, now)).toEqual([
				'add_evidence'
			]);
		}
		for (const state of DISPUTE_STATES) {
			if (state === 'closed') continue;
			expect(disputeActionsFor(d(state), 'buyer', now)).toContain('add_evidence');
		}
		for (const side of ['buyer', 'supplier', 'operator'] as const) {
			expect(disputeActionsFor(d('closed', { dueAt: null }), side, now)).toEqual([]);
		}
	});
});
