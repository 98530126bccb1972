import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISPUTE_STATES } from './dispute';
import { inFilter, queueOrder, rulingLate, type QueueEntry } from './dispute-queue';

const H = 3_600_000;
const t0 = new Date('2030-05-01T00:00:00Z').getTime();
const e = (id: string, state: QueueEntry['state'], dueH: number | null, filedH = 0) => ({
	id,
	state,
	dueAt: dueH === null ? null : new Date(t0 + dueH * H),
	filedAt: new Date(t0 + filedH * H)
});

describe('queueOrder', () => {
	it('puts escalated disputes first by ruling deadline, then the others by deadline, closed last', () => {
		const list = [
			e('answer-soon', 'awaiting_answer', 2),
			e('closed-old', 'closed', null, -50),
			e('ruling-late', 'escalated', -3),
			e('countered', 'countered', 1),
			e('ruling-later', 'escalated', 30),
			e('closed-new', 'closed', null, -5),
			e('ruling-soon', 'escalated', 4),
			e('returning', 'returning', 70)
		];
		expect(queueOrder(list).map((x) => x.id)).toEqual([
			'ruling-late',
			'ruling-soon',
			'ruling-later',
			'countered',
			'answer-soon',
			'returning',
			'closed-new',
			'closed-old'
		]);
		// the input is left alone
		expect(list[0]!.id).toBe('answer-soon');
	});

	it('breaks a tie on the deadline by the filing time (first filed first)', () => {
		const a = e('later', 'escalated', 5, 2);
		const b = e('earlier', 'escalated', 5, 1);
		expect(queueOrder([a, b]).map((x) => x.id)).toEqual(['earlier', 'later']);
	});

	it('always lists every escalated dispute before any other, each group sorted by deadline', () => {
		const entry = fc.record({
			id: fc.uuid(),
			state: fc.constantFrom(...DISPUTE_STATES),
			dueH: fc.option(fc.integer({ min: -100, max: 200 }), { nil: null }),
			filedH: fc.integer({ min: -300, max: 0 })
		});
		fc.assert(
			fc.property(fc.array(entry, { maxLength: 30 }), (raw) => {
				const list = raw.map((r) =>
					e(r.id, r.state, r.state === 'closed' ? null : r.dueH, r.filedH)
				);
				const out = queueOrder(list);
				expect(out).toHaveLength(list.length);
				const firstOther = out.findIndex((x) => x.state !== 'escalated');
				if (firstOther >= 0)
					expect(out.slice(firstOther).some((x) => x.state === 'escalated')).toBe(false);
				for (let i = 1; i < out.length; i++) {
					const [p, q] = [out[i - 1]!, out[i]!];
					const sameGroup =
						(p.state === 'escalated') === (q.state === 'escalated') &&
						p.state !== 'closed' &&
						q.state !== 'closed';
					if (sameGroup && p.dueAt && q.dueAt)
						expect(p.dueAt.getTime()).toBeLessThanOrEqual(q.dueAt.getTime());
				}
			})
		);
	});
});

describe('filters and lateness', () => {
	it('open hides closed disputes; a state shows only itself; all shows everything', () => {
		expect(inFilter('escalated', 'open')).toBe(true);
		expect(inFilter('closed', 'open')).toBe(false);
		expect(inFilter('closed', 'all')).toBe(true);
		expect(inFilter('countered', 'escalated')).toBe(false);
		expect(inFilter('countered', 'countered')).toBe(true);
	});

	it('a ruling is late from its deadline on, and only an escalated dispute has one', () => {
		const d = e('x', 'escalated', 10);
		expect(rulingLate(d, new Date(t0 + 10 * H - 1))).toBe(false);
		expect(rulingLate(d, new Date(t0 + 10 * H))).toBe(true);
		expect(rulingLate({ ...d, state: 'countered' }, new Date(t0 + 20 * H))).toBe(false);
	});
});
