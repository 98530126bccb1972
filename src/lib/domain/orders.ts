/**
 * Dropship order rules: the fulfilment state machine, SLA deadlines, splitting an order per
 * supplier and warehouse, packaging instructions, freight quotes and severe-defect claims.
 * Pure; the orders service applies them inside its transactions.
 */
import type { Policy } from './policy';

export const FULFILMENT_STATUSES = [
	'pending',
	'accepted',
	'packed',
	'shipped',
	'delivered',
	'returned',
	'cancelled',
	'out_of_stock',
	'address_problem'
] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

/** What a supplier (or the host team, or the consumer through the host) asks to do. */
export const FULFILMENT_ACTIONS = [
	'accept',
	'pack',
	'ship',
	'deliver',
	'return',
	'cancel',
	'out_of_stock',
	'address_problem',
	'address_fixed'
] as const;
export type FulfilmentAction = (typeof FULFILMENT_ACTIONS)[number];

/** Which side may take an action: the shipping supplier, the selling host team, or either. */
type ActionSide = 'supplier' | 'team' | 'either';

interface Transition {
	from: readonly FulfilmentStatus[];
	to: FulfilmentStatus;
	side: ActionSide;
}

const TRANSITIONS: Record<FulfilmentAction, Transition> = {
	accept: { from: ['pending'], to: 'accepted', side: 'supplier' },
	pack: { from: ['accepted'], to: 'packed', side: 'supplier' },
	ship: { from: ['accepted', 'packed'], to: 'shipped', side: 'supplier' },
	// Carriers report delivery through the supplier's integration; the host team may confirm it
	// from the consumer's side as well.
	deliver: { from: ['shipped'], to: 'delivered', side: 'either' },
	// A return within the window is recorded by the host team (the consumer is theirs).
	return: { from: ['delivered'], to: 'returned', side: 'team' },
	// Cancelled before it ships, by either side.
	cancel: {
		from: ['pending', 'accepted', 'packed', 'address_problem'],
		to: 'cancelled',
		side: 'either'
	},
	out_of_stock: { from: ['pending', 'accepted', 'packed'], to: 'out_of_stock', side: 'supplier' },
	address_problem: {
		from: ['pending', 'accepted', 'packed'],
		to: 'address_problem',
		side: 'supplier'
	},
	// The host team corrected the address: back to the supplier's queue.
	address_fixed: { from: ['address_problem'], to: 'pending', side: 'team' }
};

export type TransitionCheck =
	| { ok: true; to: FulfilmentStatus }
	| { ok: false; reason: 'illegal' | 'wrong_side' | 'return_window_closed' };

/**
 * May `side` take `action` on a fulfilment in `from`? Returns are only allowed within the
 * return window after delivery.
 */
export function checkTransition(
	from: FulfilmentStatus,
	action: FulfilmentAction,
	side: 'supplier' | 'team',
	ctx: { deliveredAt?: Date | null; now?: Date; policy: Policy }
): TransitionCheck {
	const t = TRANSITIONS[action];
	if (!t.from.includes(from)) return { ok: false, reason: 'illegal' };
	if (t.side !== 'either' && t.side !== side) return { ok: false, reason: 'wrong_side' };
	if (action === 'return') {
		const now = ctx.now ?? new Date();
		const closes = returnWindowClosesAt(ctx.deliveredAt ?? null, ctx.policy);
		if (!closes || now.getTime() > closes.getTime()) {
			return { ok: false, reason: 'return_window_closed' };
		}
	}
	return { ok: true, to: t.to };
}

/** Actions `side` may take from `status` now (for buttons). */
export function availableActions(
	status: FulfilmentStatus,
	side: 'supplier' | 'team'
): FulfilmentAction[] {
	return FULFILMENT_ACTIONS.filter((a) => {
		const t = TRANSITIONS[a];
		return t.from.includes(status) && (t.side === 'either' || t.side === side);
	});
}

/** Units go back to free stock (or the show's lock, while the show is live) on these moves. */
export function returnsUnits(to: FulfilmentStatus): boolean {
	return to === 'cancelled' || to === 'out_of_stock';
}

function returnWindowClosesAt(deliveredAt: Date | null, policy: Policy): Date | null {
	if (!deliveredAt) return null;
	return new Date(deliveredAt.getTime() + policy.orders.returnWindowDays * 86_400_000);
}

export type SlaState = 'ok' | 'accept_overdue' | 'ship_overdue' | 'replacement_overdue';

/**
 * SLA of a fulfilment: not accepted within acceptSlaHours of creation, not shipped within
 * shipSlaHours of creation, a replacement not shipped by its due time.
 */
export function slaState(
	f: {
		status: FulfilmentStatus;
		createdAt: Date;
		dueAt?: Date | null;
		kind?: 'order' | 'replacement';
	},
	now: Date,
	policy: Policy
): { state: SlaState; deadline: Date | null } {
	const created = f.createdAt.getTime();
	const shipBy =
		f.kind === 'replacement' && f.dueAt
			? f.dueAt
			: new Date(created + policy.orders.shipSlaHours * 3_600_000);
	const acceptBy = new Date(created + policy.orders.acceptSlaHours * 3_600_000);
	if (f.status === 'pending' || f.status === 'address_problem') {
		if (now > acceptBy) return { state: 'accept_overdue', deadline: acceptBy };
		return { state: 'ok', deadline: f.kind === 'replacement' ? shipBy : acceptBy };
	}
	if (f.status === 'accepted' || f.status === 'packed') {
		if (now > shipBy) {
			return {
				state: f.kind === 'replacement' ? 'replacement_overdue' : 'ship_overdue',
				deadline: shipBy
			};
		}
		return { state: 'ok', deadline: shipBy };
	}
	return { state: 'ok', deadline: null };
}

export const PACKAGING = ['relabel_live', 'remove_logo', 'repack'] as const;
export type Packaging = (typeof PACKAGING)[number];

/** The show's instructions plus each slot's, deduplicated, in the canonical order. */
export function packagingFor(
	showPackaging: readonly string[],
	slotPackaging: readonly (readonly string[])[]
): Packaging[] {
	const set = new Set<string>([...showPackaging, ...slotPackaging.flat()]);
	return PACKAGING.filter((p) => set.has(p));
}

export interface SplitLine {
	lotId: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
}

/**
 * Groups an order's lines into fulfilments: one per supplier and warehouse, in order of first
 * appearance. Returns the groups as lists of line indexes.
 */
export function splitByShipper<T extends SplitLine>(
	lines: readonly T[]
): {
	key: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	lines: number[];
}[] {
	const groups = new Map<
		string,
		{
			key: string;
			supplierId: string;
			warehouseProvince: string;
			warehouseCity: string;
			lines: number[];
		}
	>();
	lines.forEach((l, i) => {
		const key = `${l.supplierId}|${l.warehouseProvince}|${l.warehouseCity}`;
		let g = groups.get(key);
		if (!g) {
			g = {
				key,
				supplierId: l.supplierId,
				warehouseProvince: l.warehouseProvince,
				warehouseCity: l.warehouseCity,
				lines: []
			};
			groups.set(key, g);
		}
		g.lines.push(i);
	});
	return [...groups.values()];
}

export interface RateTier {
	minPieces: number;
	partnerBaseFen: number;
	partnerPerPieceFen: number;
	marketBaseFen: number;
	marketPerPieceFen: number;
	carrier?: string;
}

export interface FreightQuote {
	pieces: number;
	partnerFen: number;
	marketFen: number;
	savingFen: number;
	carrier: string;
}

/** Quote for `pieces` on a route: the tier with the largest minPieces ≤ pieces; null if none. */
export function quoteFreight(tiers: readonly RateTier[], pieces: number): FreightQuote | null {
	if (!Number.isInteger(pieces) || pieces < 1) return null;
	let best: RateTier | null = null;
	for (const t of tiers) {
		if (t.minPieces <= pieces && (!best || t.minPieces > best.minPieces)) best = t;
	}
	if (!best) return null;
	const partnerFen = best.partnerBaseFen + best.partnerPerPieceFen * pieces;
	const marketFen = best.marketBaseFen + best.marketPerPieceFen * pieces;
	return {
		pieces,
		partnerFen,
		marketFen,
		savingFen: marketFen - partnerFen,
		carrier: best.carrier ?? ''
	};
}

/** A severe-defect claim triggers a replacement when it shows enough severely defective pieces. */
export function claimTriggersReplacement(
	severePieces: number,
	photos: number,
	policy: Policy
): boolean {
	const min = policy.orders.severeDefectMinPieces;
	return severePieces >= min && photos >= min;
}
