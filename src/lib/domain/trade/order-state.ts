/**
 * The trade order's state machine (issue 18) and its timers. Pure: `next` decides, the trade
 * service writes the new state with its event in one transaction, and the timer job asks `due`
 * what the clock requires. Clocks are injected: every check takes `now`, nothing reads the time.
 *
 *   pending_payment ─pay→ paid ─accept→ accepted ─pack→ packed ─ship→ shipped ─arrive→ arrived
 *        │ unpaid timeout        │ accept SLA        │ ship SLA          │          │ start_inspection
 *        ▼                       ▼                   ▼                   │          ▼
 *   cancelled_unpaid        cancelled_sla (refund) ◀─┘                   │      inspecting
 *                                                                        │          │
 *   arrived/inspecting ─accept_goods→ accepted_by_buyer ─release→ released
 *   arrived/inspecting ─(window over) auto_accept→ auto_accepted ─release→ released
 *   arrived/inspecting ─dispute (within window)→ disputed ─resolve→ resolved
 */
import { addHours, addMinutes, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';

export const TRADE_ORDER_STATES = [
	'pending_payment',
	'paid',
	'accepted',
	'packed',
	'shipped',
	'arrived',
	'inspecting',
	'accepted_by_buyer',
	'auto_accepted',
	'released',
	'cancelled_unpaid',
	'cancelled_sla',
	'disputed',
	'resolved'
] as const;
export type TradeOrderState = (typeof TRADE_ORDER_STATES)[number];

export const TRADE_ACTIONS = [
	'pay',
	'cancel',
	'expire_unpaid',
	'accept',
	'accept_sla_missed',
	'pack',
	'ship',
	'ship_sla_missed',
	'arrive',
	'start_inspection',
	'accept_goods',
	'auto_accept',
	'dispute',
	'resolve',
	'release'
] as const;
export type TradeAction = (typeof TRADE_ACTIONS)[number];

/**
 * Who acts: the buyer organisation, the supplier's staff, the carrier's delivered event, an
 * operator (bank transfer confirmation) or the system (timer job, payment provider callback).
 */
export type TradeActor = 'buyer' | 'supplier' | 'carrier' | 'operator' | 'system';

interface Rule {
	from: readonly TradeOrderState[];
	to: TradeOrderState;
	actors: readonly TradeActor[];
	/** The timer this action must beat (`before`) or may only follow (`after`). */
	clock?: { timer: TimerName; when: 'before' | 'after' };
}

export const TIMERS = ['unpaid', 'accept', 'ship', 'inspection'] as const;
export type TimerName = (typeof TIMERS)[number];

const RULES: Record<TradeAction, Rule> = {
	// Payment confirmed by the provider's callback (system) or, for a bank transfer, an operator.
	pay: {
		from: ['pending_payment'],
		to: 'paid',
		actors: ['system', 'operator'],
		clock: { timer: 'unpaid', when: 'before' }
	},
	cancel: { from: ['pending_payment'], to: 'cancelled_unpaid', actors: ['buyer', 'operator'] },
	expire_unpaid: {
		from: ['pending_payment'],
		to: 'cancelled_unpaid',
		actors: ['system'],
		clock: { timer: 'unpaid', when: 'after' }
	},
	accept: {
		from: ['paid'],
		to: 'accepted',
		actors: ['supplier'],
		clock: { timer: 'accept', when: 'before' }
	},
	accept_sla_missed: {
		from: ['paid'],
		to: 'cancelled_sla',
		actors: ['system'],
		clock: { timer: 'accept', when: 'after' }
	},
	pack: {
		from: ['accepted'],
		to: 'packed',
		actors: ['supplier'],
		clock: { timer: 'ship', when: 'before' }
	},
	ship: {
		from: ['accepted', 'packed'],
		to: 'shipped',
		actors: ['supplier'],
		clock: { timer: 'ship', when: 'before' }
	},
	ship_sla_missed: {
		from: ['accepted', 'packed'],
		to: 'cancelled_sla',
		actors: ['system'],
		clock: { timer: 'ship', when: 'after' }
	},
	arrive: { from: ['shipped'], to: 'arrived', actors: ['buyer', 'carrier', 'operator'] },
	start_inspection: {
		from: ['arrived'],
		to: 'inspecting',
		actors: ['buyer'],
		clock: { timer: 'inspection', when: 'before' }
	},
	accept_goods: {
		from: ['arrived', 'inspecting'],
		to: 'accepted_by_buyer',
		actors: ['buyer'],
		clock: { timer: 'inspection', when: 'before' }
	},
	auto_accept: {
		from: ['arrived', 'inspecting'],
		to: 'auto_accepted',
		actors: ['system'],
		clock: { timer: 'inspection', when: 'after' }
	},
	// The hook for disputes (issue 20): the dispute module owns what happens until `resolve`.
	dispute: {
		from: ['arrived', 'inspecting'],
		to: 'disputed',
		actors: ['buyer'],
		clock: { timer: 'inspection', when: 'before' }
	},
	resolve: { from: ['disputed'], to: 'resolved', actors: ['system', 'operator'] },
	release: { from: ['accepted_by_buyer', 'auto_accepted'], to: 'released', actors: ['system'] }
};

/** The moments the order's timers count from; null until that step happened. */
export interface TradeOrderClock {
	state: TradeOrderState;
	createdAt: Date;
	paidAt: Date | null;
	arrivedAt: Date | null;
	/** Parcels recorded for the shipment (a shipment needs at least one). */
	parcels?: number;
}

export interface Deadlines {
	/** Unpaid orders are cancelled (stock released) at this moment. */
	unpaid: Date;
	/** Not accepted by then → cancelled and refunded. Null until paid. */
	accept: Date | null;
	/** Not shipped by then → cancelled and refunded. Null until paid. */
	ship: Date | null;
	/** Inspection window end: then acceptance is automatic. Null until arrival. */
	inspection: Date | null;
}

/** Every timer of an order. A deadline is the first instant at which the timer has run out. */
export function deadlines(
	order: Pick<TradeOrderClock, 'createdAt' | 'paidAt' | 'arrivedAt'>,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): Deadlines {
	const o = policy.orders;
	return {
		unpaid: addMinutes(order.createdAt, o.unpaidReleaseMinutes),
		accept: order.paidAt ? addHours(order.paidAt, o.acceptSlaHours) : null,
		ship: order.paidAt ? addHours(order.paidAt, o.shipSlaHours) : null,
		inspection: order.arrivedAt ? addHours(order.arrivedAt, o.inspectionWindowHours) : null
	};
}

export type Refusal =
	| { ok: false; reason: 'illegal'; state: TradeOrderState; action: TradeAction }
	| { ok: false; reason: 'wrong_actor'; actor: TradeActor }
	| { ok: false; reason: 'deadline_passed'; timer: TimerName; deadline: Date }
	| { ok: false; reason: 'too_early'; timer: TimerName; deadline: Date }
	| { ok: false; reason: 'no_parcels' };

export type Transition =
	| {
			ok: true;
			from: TradeOrderState;
			to: TradeOrderState;
			/** Money that moves with this step (escrow.ts makes the postings). */
			money: 'none' | 'escrow_in' | 'refund_all' | 'release' | 'by_ruling';
			/** Stock module call that goes with this step. */
			stock: 'none' | 'release_reservation' | 'consume';
	  }
	| Refusal;

const MONEY: Partial<
	Record<TradeOrderState, 'escrow_in' | 'refund_all' | 'release' | 'by_ruling'>
> = {
	paid: 'escrow_in',
	cancelled_sla: 'refund_all',
	released: 'release',
	resolved: 'by_ruling'
};

/**
 * May `actor` take `action` on the order now? Returns the new state, or why not. Deadlines are
 * exact: an action that must beat a timer is refused from its deadline on (`deadline_passed`),
 * and a timeout action is refused before it (`too_early`).
 */
export function next(
	order: TradeOrderClock,
	action: TradeAction,
	actor: TradeActor,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): Transition {
	const rule = RULES[action];
	if (!rule.from.includes(order.state)) {
		return { ok: false, reason: 'illegal', state: order.state, action };
	}
	if (!rule.actors.includes(actor)) return { ok: false, reason: 'wrong_actor', actor };
	if (rule.clock) {
		const deadline = deadlines(order, policy)[rule.clock.timer];
		if (!deadline) return { ok: false, reason: 'illegal', state: order.state, action };
		const passed = now.getTime() >= deadline.getTime();
		if (rule.clock.when === 'before' && passed) {
			return { ok: false, reason: 'deadline_passed', timer: rule.clock.timer, deadline };
		}
		if (rule.clock.when === 'after' && !passed) {
			return { ok: false, reason: 'too_early', timer: rule.clock.timer, deadline };
		}
	}
	if (action === 'ship' && (order.parcels ?? 0) < 1) return { ok: false, reason: 'no_parcels' };
	const to = rule.to;
	const stock =
		to === 'cancelled_unpaid' || to === 'cancelled_sla'
			? 'release_reservation'
			: to === 'shipped'
				? 'consume'
				: 'none';
	return { ok: true, from: order.state, to, money: MONEY[to] ?? 'none', stock };
}

/** States after which nothing more happens to the order. */
export function isTerminal(state: TradeOrderState): boolean {
	return (
		state === 'released' ||
		state === 'cancelled_unpaid' ||
		state === 'cancelled_sla' ||
		state === 'resolved'
	);
}

/** The order's stock is reserved (not yet shipped, not given back) in these states. */
export function holdsReservation(state: TradeOrderState): boolean {
	return (
		state === 'pending_payment' || state === 'paid' || state === 'accepted' || state === 'packed'
	);
}

/** The timer that is running in a state, if any (what the order page counts down). */
export function runningTimer(state: TradeOrderState): TimerName | null {
	switch (state) {
		case 'pending_payment':
			return 'unpaid';
		case 'paid':
			return 'accept';
		case 'accepted':
		case 'packed':
			return 'ship';
		case 'arrived':
		case 'inspecting':
			return 'inspection';
		default:
			return null;
	}
}

/** The timeout action the timer job takes when the running timer has run out. */
const TIMEOUT: Record<TimerName, TradeAction> = {
	unpaid: 'expire_unpaid',
	accept: 'accept_sla_missed',
	ship: 'ship_sla_missed',
	inspection: 'auto_accept'
};

/**
 * What the timer job must do with this order at `now`: the timeout action and the deadline that
 * passed, or the release that follows acceptance, or null (nothing due). Safe to ask on every
 * node: the service applies it with a conditional update on the state it read.
 */
export function due(
	order: TradeOrderClock,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { action: TradeAction; deadline: Date | null } | null {
	if (order.state === 'accepted_by_buyer' || order.state === 'auto_accepted') {
		return { action: 'release', deadline: null };
	}
	const timer = runningTimer(order.state);
	if (!timer) return null;
	const deadline = deadlines(order, policy)[timer];
	if (!deadline || now.getTime() < deadline.getTime()) return null;
	return { action: TIMEOUT[timer], deadline };
}

/** Actions `actor` could take from `state` (for buttons; deadlines are checked by `next`). */
export function actionsFor(state: TradeOrderState, actor: TradeActor): TradeAction[] {
	return TRADE_ACTIONS.filter(
		(a) => RULES[a].from.includes(state) && RULES[a].actors.includes(actor)
	);
}
