import { describe, expect, it } from 'vitest';
import {
	available,
	availableSql,
	canTransitionShow,
	decideBatch,
	isConsistent,
	lockChange,
	planConsumption,
	showAcceptsLocks
} from './locks';

describe('decideBatch', () => {
	it('grants in arrival order while stock lasts and refuses the rest with what was left', () => {
		const r = decideBatch(3, [
			{ quantity: 1 },
			{ quantity: 1 },
			{ quantity: 2 },
			{ quantity: 1 },
			{ quantity: 1 }
		]);
		expect(r.decisions).toEqual([
			{ granted: true, availableAfter: 2 },
			{ granted: true, availableAfter: 1 },
			{ granted: false, available: 1 },
			{ granted: true, availableAfter: 0 },
			{ granted: false, available: 0 }
		]);
		expect(r.grantedTotal).toBe(3);
	});

	it('never grants more than is free, whatever the mix', () => {
		for (let seed = 1; seed < 200; seed++) {
			const reqs = Array.from({ length: 50 }, (_, i) => ({
				quantity: ((seed * 31 + i * 17) % 7) + 1
			}));
			const free = seed % 60;
			const r = decideBatch(free, reqs);
			expect(r.grantedTotal).toBeLessThanOrEqual(free);
			const sum = reqs
				.filter((_, i) => r.decisions[i]!.granted)
				.reduce((s, x) => s + x.quantity, 0);
			expect(sum).toBe(r.grantedTotal);
		}
	});

	it('treats negative free stock as none', () => {
		expect(decideBatch(-5, [{ quantity: 1 }]).decisions[0]).toEqual({
			granted: false,
			available: 0
		});
	});
});

describe('lock changes', () => {
	it('classifies raise, lower, release and refuses changes to ended locks', () => {
		expect(lockChange({ quantity: 10, status: 'active' }, 15)).toEqual({
			ok: true,
			delta: 5,
			kind: 'raise'
		});
		expect(lockChange({ quantity: 10, status: 'active' }, 4)).toEqual({
			ok: true,
			delta: -6,
			kind: 'lower'
		});
		expect(lockChange({ quantity: 10, status: 'active' }, 0)).toEqual({
			ok: true,
			delta: -10,
			kind: 'release'
		});
		expect(lockChange({ quantity: 10, status: 'active' }, 10)).toEqual({
			ok: true,
			delta: 0,
			kind: 'none'
		});
		expect(lockChange({ quantity: 10, status: 'released' }, 5)).toEqual({
			ok: false,
			reason: 'not_active'
		});
		expect(lockChange({ quantity: 10, status: 'active' }, 1.5)).toEqual({
			ok: false,
			reason: 'invalid_quantity'
		});
	});
});

describe('stock counters', () => {
	it('computes free stock and checks the invariant', () => {
		expect(available({ onHand: 100, locked: 30, allocated: 20 })).toBe(50);
		expect(isConsistent({ onHand: 100, locked: 80, allocated: 20 })).toBe(true);
		expect(isConsistent({ onHand: 100, locked: 81, allocated: 20 })).toBe(false);
		expect(isConsistent({ onHand: 100, locked: -1, allocated: 0 })).toBe(false);
	});

	it('spells the same formula in SQL as in code', () => {
		// Substitute each column of the SQL expression and evaluate it as arithmetic.
		for (const c of [
			{ onHand: 100, locked: 30, allocated: 20 },
			{ onHand: 7, locked: 0, allocated: 9 },
			{ onHand: 0, locked: 3, allocated: 0 }
		]) {
			const expr = availableSql('l')
				.replace('l.on_hand', String(c.onHand))
				.replace('l.locked', String(c.locked))
				.replace('l.allocated', String(c.allocated));
			expect(expr).toMatch(/^[\d\s()+-]+$/);
			expect(Function(`return ${expr}`)()).toBe(available(c));
		}
		expect(availableSql()).toContain('lots.on_hand');
	});
});

describe('shows', () => {
	it('moves scheduled → live → ended only', () => {
		expect(canTransitionShow('scheduled', 'live')).toBe(true);
		expect(canTransitionShow('live', 'ended')).toBe(true);
		expect(canTransitionShow('ended', 'live')).toBe(false);
		expect(canTransitionShow('live', 'scheduled')).toBe(false);
		expect(showAcceptsLocks('ended')).toBe(false);
		expect(showAcceptsLocks('live')).toBe(true);
	});
});

describe('planConsumption', () => {
	it('takes from the oldest locks first and refuses when they hold too little', () => {
		const locks = [
			{ id: 'a', quantity: 2 },
			{ id: 'b', quantity: 0 },
			{ id: 'c', quantity: 5 }
		];
		expect(planConsumption(locks, 4)).toEqual([
			{ id: 'a', take: 2 },
			{ id: 'c', take: 2 }
		]);
		expect(planConsumption(locks, 7)).toHaveLength(2);
		expect(planConsumption(locks, 8)).toBeNull();
	});
});
