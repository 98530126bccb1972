/**
 * Browser-side helpers for the order pages: SLA countdowns, the supplier queue's tabs and
 * ordering, and the bulk-ship template. Pure, so they are unit-tested beside this file.
 */
import type { FulfilmentStatus } from '$lib/domain/orders';

/** The fields of a fulfilment view these helpers need. */
export interface SlaFields {
	status: FulfilmentStatus;
	kind: 'order' | 'replacement';
	sla: {
		state: 'ok' | 'accept_overdue' | 'ship_overdue' | 'replacement_overdue';
		deadline: string | null;
	};
}

export type SlaKind = 'accept' | 'ship' | 'replacement';

export interface SlaView {
	kind: SlaKind;
	/** Milliseconds to the deadline; negative once it has passed. */
	remainingMs: number;
	overdue: boolean;
}

/**
 * What the SLA timer shows at `now`: accept within 2 h while pending, ship within 48 h once
 * accepted, a replacement's due time; null when nothing is due (shipped, closed).
 */
export function slaView(f: SlaFields, now: number): SlaView | null {
	if (!f.sla.deadline) return null;
	const waitingAccept = f.status === 'pending' || f.status === 'address_problem';
	const kind: SlaKind =
		f.sla.state === 'accept_overdue' || (waitingAccept && f.kind !== 'replacement')
			? 'accept'
			: f.kind === 'replacement'
				? 'replacement'
				: 'ship';
	const remainingMs = new Date(f.sla.deadline).getTime() - now;
	return { kind, remainingMs, overdue: f.sla.state !== 'ok' || remainingMs < 0 };
}

/** A countdown as h:mm:ss (hours unbounded: "47:59:59"), of the absolute time left or past. */
export function formatCountdown(ms: number): string {
	const s = Math.floor(Math.abs(ms) / 1000);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const sec = s % 60;
	return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** The catalogue key of a SLA timer's text. */
export function slaKey(v: SlaView) {
	return v.overdue ? (`orders.sla.${v.kind}_overdue` as const) : (`orders.sla.${v.kind}` as const);
}

export const QUEUE_TABS = ['open', 'exceptions', 'shipped', 'delivered', 'all'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

export function isQueueTab(v: unknown): v is QueueTab {
	return typeof v === 'string' && (QUEUE_TABS as readonly string[]).includes(v);
}

const OPEN: readonly FulfilmentStatus[] = ['pending', 'accepted', 'packed', 'address_problem'];

/** Does a fulfilment in `status` belong on this tab (as the queue service filters it)? */
export function inTab(tab: QueueTab, status: FulfilmentStatus): boolean {
	switch (tab) {
		case 'open':
			return OPEN.includes(status);
		case 'exceptions':
			return status === 'out_of_stock' || status === 'address_problem';
		case 'all':
			return true;
		default:
			return status === tab;
	}
}

interface Sortable {
	id: string;
	number: number;
	createdAt: string;
}

/**
 * Inserts or replaces `f` in a list kept in the queue's order: oldest first on the open tab
 * (work the oldest parcel first), newest first elsewhere. Returns a new array.
 */
export function upsertSorted<T extends Sortable>(
	list: readonly T[],
	f: T,
	oldestFirst: boolean
): T[] {
	const at = list.findIndex((x) => x.id === f.id);
	if (at >= 0) return list.map((x, i) => (i === at ? f : x));
	const key = (x: Sortable) => [new Date(x.createdAt).getTime(), x.number] as const;
	const before = (a: Sortable, b: Sortable) => {
		const [ta, na] = key(a);
		const [tb, nb] = key(b);
		// The server breaks ties on createdAt by number, newest first in both orders.
		if (ta !== tb) return oldestFirst ? ta < tb : ta > tb;
		return na > nb;
	};
	const idx = list.findIndex((x) => before(f, x));
	const out = [...list];
	out.splice(idx < 0 ? out.length : idx, 0, f);
	return out;
}

/** A CSV cell, quoted when it holds a comma, quote or line break. */
function cell(v: string): string {
	return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The bulk-ship sheet template: header row and one example row per fulfilment given (their
 * numbers filled in), with a BOM so spreadsheet programs read the Chinese headers as UTF-8.
 */
export function shipTemplateCsv(
	headers: [number: string, carrier: string, tracking: string],
	rows: { number: number; carrier?: string | null; trackingNo?: string | null }[],
	exampleCarrier: string
): string {
	const body = rows.length
		? rows.map((r) => [String(r.number), r.carrier ?? exampleCarrier, r.trackingNo ?? ''])
		: [['1001', exampleCarrier, 'SF1234567890']];
	return '\uFEFF' + [headers, ...body].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Keeps concurrent fetches of fulfilments from undoing each other: socket events and actions
 * each fetch a fulfilment, and their answers may come back out of order. Every fetch takes a
 * ticket; only the newest fetch of an id is applied, and a whole-list fetch does not overwrite
 * a fulfilment fetched on its own after the list fetch started.
 */
export class Freshness {
	private n = 0;
	private readonly byId = new Map<string, number>();

	/** A ticket for a fetch (or change) of one fulfilment. */
	begin(id: string): number {
		const ticket = ++this.n;
		this.byId.set(id, ticket);
		return ticket;
	}

	/** Is this still the newest fetch of `id`? */
	isLatest(id: string, ticket: number): boolean {
		return this.byId.get(id) === ticket;
	}

	/** A ticket for a fetch of the whole list. */
	beginAll(): number {
		return ++this.n;
	}

	/** Was `id` fetched on its own after the list fetch with this ticket started? */
	newerThan(id: string, ticket: number): boolean {
		return (this.byId.get(id) ?? 0) > ticket;
	}
}

/**
 * Runs `fn` at most once at a time; calls made while it runs are folded into one more run after
 * it. For reloading a whole list when events arrive in bursts (many orders in a live show).
 */
export function coalesced(fn: () => Promise<void>): () => Promise<void> {
	let running: Promise<void> | null = null;
	let again = false;
	return () => {
		if (running) {
			again = true;
			return running;
		}
		running = (async () => {
			try {
				do {
					again = false;
					await fn();
				} while (again);
			} finally {
				running = null;
			}
		})();
		return running;
	};
}
