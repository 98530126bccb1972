/**
 * The supplier's trade queue in the browser (/supplier/trade): which tab an order's state
 * belongs on, the live merge of `TradeOrderChangedV1` events (stale versions dropped), the SLA
 * countdown of the running timer, and the packing arithmetic of the ship form. Pure, so it is
 * unit-tested beside this file.
 */
import { actionsFor, type TimerName, type TradeOrderState } from '$lib/domain/trade/order-state';
import type { TradeOrderChangedV1 } from '$lib/realtime/events';
import type { TradeAction } from './types';

export const SUPPLIER_TABS = [
	'to_accept',
	'to_ship',
	'shipped',
	'inspecting',
	'done',
	'cancelled'
] as const;
export type SupplierTab = (typeof SUPPLIER_TABS)[number];

const TAB_STATES: Record<SupplierTab, readonly TradeOrderState[]> = {
	// 待接单: paid, waiting for the supplier (accept SLA)
	to_accept: ['paid'],
	// 待发货: accepted or packed (ship SLA)
	to_ship: ['accepted', 'packed'],
	shipped: ['shipped'],
	// 验货中: arrived, the buyer inspecting, or a dispute open on the delivery
	inspecting: ['arrived', 'inspecting', 'disputed'],
	done: ['accepted_by_buyer', 'auto_accepted', 'released', 'resolved'],
	cancelled: ['cancelled_unpaid', 'cancelled_sla']
};

/** Tabs filled from the open orders (all of them, counted live) and from the closed ones. */
export const OPEN_TABS: readonly SupplierTab[] = ['to_accept', 'to_ship', 'shipped', 'inspecting'];

export function isSupplierTab(v: unknown): v is SupplierTab {
	return typeof v === 'string' && (SUPPLIER_TABS as readonly string[]).includes(v);
}

/** The tab an order in `state` is listed on; null for an unpaid order (not the supplier's yet). */
export function tabOf(state: string): SupplierTab | null {
	for (const tab of SUPPLIER_TABS) {
		if ((TAB_STATES[tab] as readonly string[]).includes(state)) return tab;
	}
	return null;
}

export const statesOf = (tab: SupplierTab): readonly TradeOrderState[] => TAB_STATES[tab];

/** What the queue keeps of an order and what an event can change. */
export interface QueueRow {
	id: string;
	number: number;
	state: TradeOrderState;
	version: number;
	timer: TimerName | null;
	dueAt: string | null;
	totalFen: number;
	createdAt: string;
	actions: TradeAction[];
}

export type Merge<T> =
	| { kind: 'stale' }
	/** The row after the event (its tab may have changed). */
	| { kind: 'updated'; row: T }
	/** An order this list has not loaded: the page reloads its list. */
	| { kind: 'unknown' };

/**
 * Applies an event to the row it names. Events carry the order's version: one at or below what
 * the list shows (a late delivery, or the echo of the list's own reload) changes nothing. The
 * viewer's actions follow the new state (the domain's supplier actions).
 */
export function mergeEvent<T extends QueueRow>(
	row: T | undefined,
	e: TradeOrderChangedV1
): Merge<T> {
	if (!row) return { kind: 'unknown' };
	if (e.version <= row.version) return { kind: 'stale' };
	const state = e.state as TradeOrderState;
	return {
		kind: 'updated',
		row: {
			...row,
			state,
			version: e.version,
			timer: (e.timer as TimerName | null) ?? null,
			dueAt: e.dueAt,
			totalFen: e.totalFen,
			actions: actionsFor(state, 'supplier')
		}
	};
}

/**
 * Keeps, per order, the newest version an event announced, so a list loaded from the server
 * before an event arrived (the load raced the event) is brought up to it.
 */
export class VersionBook {
	private readonly seen = new Map<string, TradeOrderChangedV1>();

	/** Records an event; false when it is not newer than one already seen. */
	note(e: TradeOrderChangedV1): boolean {
		const prev = this.seen.get(e.id);
		if (prev && prev.version >= e.version) return false;
		this.seen.set(e.id, e);
		return true;
	}

	/** The rows with every newer event seen applied. */
	apply<T extends QueueRow>(rows: readonly T[]): T[] {
		return rows.map((r) => {
			const e = this.seen.get(r.id);
			if (!e) return r;
			const m = mergeEvent(r, e);
			return m.kind === 'updated' ? m.row : r;
		});
	}
}

/** Rows on a tab: the supplier works the oldest paid order first on the open tabs. */
export function rowsOf<T extends QueueRow>(rows: readonly T[], tab: SupplierTab): T[] {
	const on = rows.filter((r) => tabOf(r.state) === tab);
	const t = (r: T) => new Date(r.createdAt).getTime();
	return on.sort((a, b) =>
		OPEN_TABS.includes(tab)
			? t(a) - t(b) || a.number - b.number
			: t(b) - t(a) || b.number - a.number
	);
}

/** How many open orders each open tab holds (for the tab badges). */
export function tabCounts(rows: readonly QueueRow[]): Partial<Record<SupplierTab, number>> {
	const out: Partial<Record<SupplierTab, number>> = {};
	for (const r of rows) {
		const tab = tabOf(r.state);
		if (tab && OPEN_TABS.includes(tab)) out[tab] = (out[tab] ?? 0) + 1;
	}
	return out;
}

export interface Countdown {
	timer: TimerName;
	/** Milliseconds to the deadline; negative once it has passed. */
	remainingMs: number;
	overdue: boolean;
	/** Under a quarter of the SLA left (or 2 h, whichever is more): shown in warning colours. */
	urgent: boolean;
}

/**
 * The running timer's countdown at `now`, or null when none runs. `slaHours` is the policy's
 * length of that timer (accept 24 h, ship 72 h…) for the urgency threshold.
 */
export function countdown(
	o: { timer: TimerName | null; dueAt: string | null },
	now: number,
	slaHours?: number
): Countdown | null {
	if (!o.timer || !o.dueAt) return null;
	const remainingMs = new Date(o.dueAt).getTime() - now;
	const quarter = slaHours ? (slaHours * 3_600_000) / 4 : 0;
	return {
		timer: o.timer,
		remainingMs,
		overdue: remainingMs <= 0,
		urgent: remainingMs <= Math.max(quarter, 2 * 3_600_000)
	};
}

/** A countdown as h:mm:ss (hours unbounded: "71:59:59"), of the absolute time left or past. */
export function formatCountdown(ms: number): string {
	const s = Math.floor(Math.abs(ms) / 1000);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const sec = s % 60;
	return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** Cartons a line packs into (whole cartons; the last one may be part full). */
export function cartonsOf(quantity: number, piecesPerCarton: number): number {
	return Math.ceil(quantity / Math.max(1, piecesPerCarton));
}

/** All cartons of an order's lines. */
export function totalCartons(lines: readonly { quantity: number; piecesPerCarton: number }[]) {
	return lines.reduce((n, l) => n + cartonsOf(l.quantity, l.piecesPerCarton), 0);
}

/**
 * Splits `cartons` over `parcels` parcels as evenly as whole cartons allow (the first parcels
 * take the remainder): the ship form's suggestion when the supplier adds a parcel.
 */
export function splitCartons(cartons: number, parcels: number): number[] {
	const n = Math.max(1, parcels);
	const each = Math.floor(cartons / n);
	const rest = cartons % n;
	return Array.from({ length: n }, (_, i) => Math.max(1, each + (i < rest ? 1 : 0)));
}
