/**
 * Browser-side helpers of the buyer's trade pages (/buyer): grouping the cart per supplier,
 * putting each cart problem at its field, countdowns of the order timers, and merging live
 * order events into a list without ever going back to an older version. Pure: unit-tested
 * beside this file.
 */
import { actionsFor, isTerminal } from '$lib/domain/trade/order-state';
import type { TradeOrderChangedV1 } from '$lib/realtime/events';
import type {
	CartGroupView,
	CartLineView,
	CartView,
	TimerName,
	TradeAction,
	TradeFieldProblem,
	TradeOrderState
} from './types';

/** Province-level divisions, the freight destinations and ship-to provinces a buyer picks from. */
export const PROVINCES = [
	'北京市',
	'天津市',
	'河北省',
	'山西省',
	'内蒙古自治区',
	'辽宁省',
	'吉林省',
	'黑龙江省',
	'上海市',
	'江苏省',
	'浙江省',
	'安徽省',
	'福建省',
	'江西省',
	'山东省',
	'河南省',
	'湖北省',
	'湖南省',
	'广东省',
	'广西壮族自治区',
	'海南省',
	'重庆市',
	'四川省',
	'贵州省',
	'云南省',
	'西藏自治区',
	'陕西省',
	'甘肃省',
	'青海省',
	'宁夏回族自治区',
	'新疆维吾尔自治区',
	'香港特别行政区',
	'澳门特别行政区',
	'台湾省'
] as const;

export function isProvince(v: unknown): v is (typeof PROVINCES)[number] {
	return typeof v === 'string' && (PROVINCES as readonly string[]).includes(v);
}

/** A cart line with its position in `CartView.lines` (what `lines.<n>.…` fields count). */
export interface IndexedLine extends CartLineView {
	index: number;
}

/** A supplier group of the cart with its own lines. */
export interface GroupWithLines extends CartGroupView {
	lines: IndexedLine[];
}

const sameWarehouse = (a: { province: string; city: string }, b: typeof a) =>
	a.province === b.province && a.city === b.city;

/**
 * The cart's lines under their supplier groups (checkout makes one order per supplier and
 * warehouse). A line whose group is missing from the view still shows, in a group of its own.
 */
export function groupCart(cart: Pick<CartView, 'lines' | 'groups'>): GroupWithLines[] {
	const groups: GroupWithLines[] = cart.groups.map((g) => ({ ...g, lines: [] }));
	cart.lines.forEach((line, index) => {
		const g = groups.find(
			(x) => x.supplierId === line.supplierId && sameWarehouse(x.warehouse, line.warehouse)
		);
		if (g) g.lines.push({ ...line, index });
		else
			groups.push({
				supplierId: line.supplierId,
				supplierName: line.supplierName,
				warehouse: line.warehouse,
				pieces: line.quantity,
				mixedBatchMin: 0,
				goodsFen: line.goodsFen,
				packagingFen: line.packagingFen,
				freight: null,
				totalFen: line.lineFen,
				lines: [{ ...line, index }]
			});
	});
	return groups;
}

/** `lines.3.quantity` → 3 (null for fields that are not a line's). */
export function lineIndexOf(field: string | null | undefined): number | null {
	const m = /^lines\.(\d+)(?:\.|$)/.exec(field ?? '');
	return m ? Number(m[1]) : null;
}

/**
 * Where each problem is shown: per line index (and within it per field: `quantity`, `packaging`,
 * `lotId`), and the rest (not a line's) at the top of the cart.
 */
export function placeProblems(problems: readonly TradeFieldProblem[]): {
	byLine: Map<number, TradeFieldProblem[]>;
	general: TradeFieldProblem[];
} {
	const byLine = new Map<number, TradeFieldProblem[]>();
	const general: TradeFieldProblem[] = [];
	for (const p of problems) {
		const i = lineIndexOf(p.field);
		if (i === null) general.push(p);
		else byLine.set(i, [...(byLine.get(i) ?? []), p]);
	}
	return { byLine, general };
}

/** The part of a line field after its index: `lines.2.quantity` → `quantity`. */
export function lineField(field: string): string {
	return field.replace(/^lines\.\d+\.?/, '') || 'lotId';
}

/** The next price break above a quantity: "buy N more to pay ¥x each". */
export function nextBreak(
	line: Pick<CartLineView, 'quantity' | 'priceBreaks' | 'unitPriceFen'>
): { more: number; unitPriceFen: number } | null {
	const above = line.priceBreaks
		.filter((b) => b.minQuantity > line.quantity && b.unitPriceFen < line.unitPriceFen)
		.sort((a, b) => a.minQuantity - b.minQuantity)[0];
	return above
		? { more: above.minQuantity - line.quantity, unitPriceFen: above.unitPriceFen }
		: null;
}

/** What a running timer shows at `now`: time left (negative once past). */
export interface Countdown {
	timer: TimerName;
	remainingMs: number;
	overdue: boolean;
}

export function countdown(
	o: { timer: TimerName | null; dueAt: string | null },
	now: number
): Countdown | null {
	if (!o.timer || !o.dueAt) return null;
	const due = Date.parse(o.dueAt);
	if (Number.isNaN(due)) return null;
	const remainingMs = due - now;
	return { timer: o.timer, remainingMs, overdue: remainingMs <= 0 };
}

/** A countdown as h:mm:ss (hours unbounded: "47:59:59"). */
export function formatRemaining(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** How a state's badge looks. */
export type StateTone = 'wait' | 'active' | 'done' | 'closed' | 'problem';

export function stateTone(state: TradeOrderState): StateTone {
	switch (state) {
		case 'pending_payment':
			return 'wait';
		case 'released':
		case 'accepted_by_buyer':
		case 'auto_accepted':
		case 'resolved':
			return 'done';
		case 'cancelled_unpaid':
		case 'cancelled_sla':
			return 'closed';
		case 'disputed':
			return 'problem';
		default:
			return 'active';
	}
}

/** The list tabs of /buyer/orders (service filters `open` / `closed`; `all` is no filter). */
export const ORDER_TABS = ['open', 'closed', 'all'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];
export const isOrderTab = (v: unknown): v is OrderTab =>
	typeof v === 'string' && (ORDER_TABS as readonly string[]).includes(v);

/** The fields of an order row a live event can change. */
export interface LiveFields {
	id: string;
	state: TradeOrderState;
	version: number;
	timer: TimerName | null;
	dueAt: string | null;
	totalFen: number;
	actions: TradeAction[];
}

/**
 * What a `TradeOrderChangedV1` changes in a shown row, or null when the event is not newer than
 * the row (events arrive out of order across nodes and after reloads: an older version is
 * dropped). The buyer's actions follow the new state.
 */
export function patchFromEvent<T extends LiveFields>(row: T, e: TradeOrderChangedV1): T | null {
	if (e.id !== row.id || e.version <= row.version) return null;
	const state = e.state as TradeOrderState;
	return {
		...row,
		state,
		version: e.version,
		timer: (e.timer as TimerName | null) ?? null,
		dueAt: e.dueAt,
		totalFen: e.totalFen,
		actions: actionsFor(state, 'buyer')
	};
}

/**
 * The rows as shown: each server row, unless a newer live patch of it arrived since. Patches
 * older than (or equal to) what the server sent are ignored, so a reload never shows the past.
 */
export function mergeLive<T extends LiveFields>(
	rows: readonly T[],
	patches: ReadonlyMap<string, T>
) {
	return rows.map((r) => {
		const p = patches.get(r.id);
		return p && p.version > r.version ? p : r;
	});
}

/** Does the row still belong on a tab after its state changed? */
export function inOrderTab(tab: OrderTab, state: TradeOrderState): boolean {
	if (tab === 'all') return true;
	return tab === 'closed' ? isTerminal(state) : !isTerminal(state);
}

/** A failure as a form action sends it back (`{code, message, field, issues?, …details}`). */
export interface FailureInfo {
	code: string;
	message: string;
	field?: string;
	issues?: { field: string; message: string }[];
	[k: string]: unknown;
}

/** Every message of a failure by the field it names (`''` for the form as a whole). */
export function messagesByField(e: FailureInfo | null | undefined): Map<string, string[]> {
	const out = new Map<string, string[]>();
	if (!e) return out;
	const add = (field: string | undefined, message: string) => {
		const k = field ?? '';
		const list = out.get(k) ?? [];
		if (!list.includes(message)) list.push(message);
		out.set(k, list);
	};
	if (Array.isArray(e.issues) && e.issues.length) {
		for (const i of e.issues) add(i.field, i.message);
	} else add(e.field, e.message);
	return out;
}

/**
 * Free stock per line of a 409 `insufficient_stock`, by lot id: from the list of short lines
 * (`lines: [{field, lotId, available}]`), else the one number for the line it names
 * (`field: lines.<n>.quantity`, `available: 40`), a list (`available: [{lotId, available}]`) or
 * a map by lot id.
 */
export function availableByLot(
	e: FailureInfo | null | undefined,
	lines: readonly { lotId: string }[]
): Map<string, number> {
	const out = new Map<string, number>();
	if (!e || e.code !== 'insufficient_stock') return out;
	// every short line, when the service lists them (`lines: [{field, lotId, available}]`)
	if (Array.isArray(e.lines)) {
		for (const x of e.lines as unknown[]) {
			const r = (x ?? {}) as { lotId?: unknown; field?: unknown; available?: unknown };
			const i = typeof r.field === 'string' ? lineIndexOf(r.field) : null;
			const lotId =
				typeof r.lotId === 'string' ? r.lotId : i !== null ? lines[i]?.lotId : undefined;
			if (lotId && typeof r.available === 'number') out.set(lotId, r.available);
		}
		if (out.size) return out;
	}
	const a = e.available;
	if (typeof a === 'number') {
		const i = lineIndexOf(e.field);
		const lotId = typeof e.lotId === 'string' ? e.lotId : i !== null ? lines[i]?.lotId : undefined;
		if (lotId) out.set(lotId, a);
	} else if (Array.isArray(a)) {
		for (const x of a as unknown[]) {
			if (!x || typeof x !== 'object') continue;
			const r = x as { lotId?: unknown; index?: unknown; available?: unknown };
			const lotId =
				typeof r.lotId === 'string'
					? r.lotId
					: typeof r.index === 'number'
						? lines[r.index]?.lotId
						: undefined;
			if (lotId && typeof r.available === 'number') out.set(lotId, r.available);
		}
	} else if (a && typeof a === 'object') {
		for (const [lotId, n] of Object.entries(a)) if (typeof n === 'number') out.set(lotId, n);
	}
	return out;
}
