import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	actionsFor,
	deadlines,
	due,
	holdsReservation,
	isTerminal,
	next,
	TRADE_ACTIONS,
	TRADE_ORDER_STATES,
	type TradeActor,
	type TradeOrderClock
} from './order-state';
import { HOUR_MS } from './policy';

const T0 = new Date('2026-03-01T02:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * HOUR_MS);

function order(over: Partial<TradeOrderClock> = {}): TradeOrderClock {
	return { state: 'pending_payment', createdAt: T0, paidAt: null, arrivedAt: null, ...over };
}

describe('deadlines', () => {
	it('gives every timer from its starting moment', () => {
		expect(deadlines(order())).toEqual({
			unpaid: new Date(T0.getTime() + 30 * 60_000),
			accept: null,
			ship: null,
			inspection: null
		});
		const d = deadlines(order({ paidAt: at(0.25), arrivedAt: at(50) }));
		expect(d.accept).toEqual(at(24.25));
		expect(d.ship).toEqual(at(72.25));
		expect(d.inspection).toEqual(at(98));
	});
});

describe('next', () => {
	it('walks the happy path to release', () => {
		let o = order();
		const step = (action: (typeof TRADE_ACTIONS)[number], actor: TradeActor, now: Date) => {
			const r = next(o, action, actor, now);
			if (!r.ok) throw new Error(`${action}: ${JSON.stringify(r)}`);
			o = { ...o, state: r.to };
			return r;
		};
		expect(step('pay', 'system', at(0.2))).toMatchObject({ to: 'paid', money: 'escrow_in' });
		o.paidAt = at(0.2);
		step('accept', 'supplier', at(2));
		step('pack', 'supplier', at(20));
		o.parcels = 2;
		expect(step('ship', 'supplier', at(30))).toMatchObject({ to: 'shipped', stock: 'consume' });
		step('arrive', 'carrier', at(60));
		o.arrivedAt = at(60);
		step('start_inspection', 'buyer', at(61));
		step('accept_goods', 'buyer', at(62));
		expect(step('release', 'system', at(62))).toMatchObject({ to: 'released', money: 'release' });
		expect(isTerminal(o.state)).toBe(true);
	});

	it('refuses a payment that arrives at or after the unpaid deadline (the order is released)', () => {
		const o = order();
		expect(next(o, 'pay', 'system', at(0.49)).ok).toBe(true);
		expect(next(o, 'pay', 'system', at(0.5))).toMatchObject({
			ok: false,
			reason: 'deadline_passed',
			timer: 'unpaid'
		});
		expect(next(o, 'expire_unpaid', 'system', at(0.49))).toMatchObject({ reason: 'too_early' });
		expect(next(o, 'expire_unpaid', 'system', at(0.5))).toMatchObject({
			ok: true,
			to: 'cancelled_unpaid',
			stock: 'release_reservation',
			money: 'none'
		});
	});

	it('cancels and refunds on a missed accept or ship SLA', () => {
		const paid = order({ state: 'paid', paidAt: at(0) });
		expect(next(paid, 'accept', 'supplier', at(24))).toMatchObject({ reason: 'deadline_passed' });
		expect(next(paid, 'accept_sla_missed', 'system', at(24))).toMatchObject({
			to: 'cancelled_sla',
			money: 'refund_all',
			stock: 'release_reservation'
		});
		const accepted = order({ state: 'packed', paidAt: at(0), parcels: 1 });
		expect(next(accepted, 'ship', 'supplier', at(71.9)).ok).toBe(true);
		expect(next(accepted, 'ship', 'supplier', at(72))).toMatchObject({ reason: 'deadline_passed' });
		expect(next(accepted, 'ship_sla_missed', 'system', at(72))).toMatchObject({
			to: 'cancelled_sla'
		});
	});

	it('needs a parcel to ship and the right actor for each step', () => {
		const accepted = order({ state: 'accepted', paidAt: at(0) });
		expect(next(accepted, 'ship', 'supplier', at(1))).toEqual({ ok: false, reason: 'no_parcels' });
		expect(next(accepted, 'ship', 'buyer', at(1))).toMatchObject({ reason: 'wrong_actor' });
		expect(next(order(), 'pay', 'buyer', at(0))).toMatchObject({ reason: 'wrong_actor' });
		expect(next(order(), 'pay', 'operator', at(0)).ok).toBe(true);
		expect(next(order(), 'accept', 'supplier', at(0))).toMatchObject({ reason: 'illegal' });
	});

	it('disputes only within the inspection window; after it acceptance is automatic', () => {
		const arrived = order({ state: 'arrived', paidAt: at(0), arrivedAt: at(40) });
		expect(next(arrived, 'dispute', 'buyer', at(87.9))).toMatchObject({ to: 'disputed' });
		expect(next(arrived, 'dispute', 'buyer', at(88))).toMatchObject({
			reason: 'deadline_passed',
			timer: 'inspection'
		});
		expect(next(arrived, 'accept_goods', 'buyer', at(88))).toMatchObject({ ok: false });
		expect(next(arrived, 'auto_accept', 'system', at(87))).toMatchObject({ reason: 'too_early' });
		expect(next(arrived, 'auto_accept', 'system', at(88))).toMatchObject({ to: 'auto_accepted' });
		const disputed = order({ state: 'disputed', paidAt: at(0), arrivedAt: at(40) });
		expect(next(disputed, 'resolve', 'system', at(200))).toMatchObject({
			to: 'resolved',
			money: 'by_ruling'
		});
	});

	it('offers buttons per actor', () => {
		expect(actionsFor('paid', 'supplier')).toEqual(['accept']);
		expect(actionsFor('arrived', 'buyer')).toEqual(['start_inspection', 'accept_goods', 'dispute']);
		expect(actionsFor('released', 'buyer')).toEqual([]);
	});
});

describe('due (the timer job)', () => {
	it('names the timeout action once its deadline has come', () => {
		expect(due(order(), at(0.4))).toBeNull();
		expect(due(order(), at(0.5))).toEqual({ action: 'expire_unpaid', deadline: at(0.5) });
		expect(due(order({ state: 'paid', paidAt: at(1) }), at(25))).toMatchObject({
			action: 'accept_sla_missed'
		});
		expect(due(order({ state: 'packed', paidAt: at(1) }), at(73))).toMatchObject({
			action: 'ship_sla_missed'
		});
		expect(due(order({ state: 'inspecting', arrivedAt: at(1) }), at(49))).toMatchObject({
			action: 'auto_accept'
		});
		expect(due(order({ state: 'auto_accepted' }), at(0))).toEqual({
			action: 'release',
			deadline: null
		});
		expect(due(order({ state: 'shipped', paidAt: at(1) }), at(1000))).toBeNull();
	});

	it('property: random actions and clock ticks never skip a deadline or leave a terminal state', () => {
		const actors: TradeActor[] = ['buyer', 'supplier', 'carrier', 'operator', 'system'];
		fc.assert(
			fc.property(
				fc.array(
					fc.oneof(
						fc.record({
							kind: fc.constant('act' as const),
							action: fc.constantFrom(...TRADE_ACTIONS),
							actor: fc.constantFrom(...actors)
						}),
						fc.record({
							kind: fc.constant('tick' as const),
							minutes: fc.integer({ min: 1, max: 3000 })
						})
					),
					{ maxLength: 60 }
				),
				(steps) => {
					let now = T0;
					let o = order({ parcels: 1 });
					const apply = (action: (typeof TRADE_ACTIONS)[number], actor: TradeActor) => {
						const r = next(o, action, actor, now);
						if (!r.ok) return;
						expect(isTerminal(r.from)).toBe(false);
						o = {
							...o,
							state: r.to,
							paidAt: r.to === 'paid' ? now : o.paidAt,
							arrivedAt: r.to === 'arrived' ? now : o.arrivedAt
						};
					};
					for (const s of steps) {
						if (s.kind === 'tick') {
							now = new Date(now.getTime() + s.minutes * 60_000);
						} else {
							apply(s.action, s.actor);
						}
						// The job runs after every step, like the real one on its schedule.
						for (let d = due(o, now); d; d = due(o, now)) {
							if (d.deadline) expect(d.deadline.getTime()).toBeLessThanOrEqual(now.getTime());
							const before = o.state;
							apply(d.action, 'system');
							expect(o.state).not.toBe(before);
						}
						// Invariant: no running timer is past its deadline after the job ran.
						const dl = deadlines(o);
						if (o.state === 'pending_payment') expect(now < dl.unpaid).toBe(true);
						if (o.state === 'paid') expect(now < dl.accept!).toBe(true);
						if (o.state === 'accepted' || o.state === 'packed') expect(now < dl.ship!).toBe(true);
						if (o.state === 'arrived' || o.state === 'inspecting')
							expect(now < dl.inspection!).toBe(true);
						expect(TRADE_ORDER_STATES).toContain(o.state);
						if (holdsReservation(o.state)) expect(isTerminal(o.state)).toBe(false);
					}
				}
			),
			{ seed: 1818, numRuns: 300 }
		);
	});
});
