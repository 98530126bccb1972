import { SvelteMap } from 'svelte/reactivity';
import { appSocket, type AppSocket } from '$lib/realtime/client';
import type {
	AckResult,
	FulfilmentsChangedV1,
	LockV1,
	LotCountersV1,
	ShowStockChangedV1
} from '$lib/realtime/events';

export interface ConsoleSlot {
	id: string;
	position: number;
	lotId: string;
	title: string;
	grade: 'A' | 'B' | 'C';
	livePriceFen: number;
	plannedLockQty: number;
	talkingPoints: string;
	defectDescription: string | null;
	supplierName: string;
	/** The run-of-show board slot this line came from (shows started from a board). */
	boardSlotId?: string | null;
}

export type ShowStatus = 'scheduled' | 'live' | 'ended' | 'cancelled';

import { mergeHistory, type HistoryEntry } from './history';
export { HISTORY_LINES, mergeHistory, type HistoryEntry } from './history';

/** After a lock change, wait this long for more before fetching the record (a burst is one fetch). */
const HISTORY_DEBOUNCE_MS = 150;
/** How long a lock press waits for the server's answer before sending the same request again. */
export const LOCK_ACK_MS = 4_000;
/** Sends of one lock press (the first and its retries, all under one Idempotency-Key). */
export const LOCK_SENDS = 3;

/**
 * A fresh Idempotency-Key for a lock press. `crypto.randomUUID` exists only in secure contexts,
 * and the console is also used over plain http on a shop's LAN address; getRandomValues is not
 * restricted.
 */
export function newIdempotencyKey(): string {
	const b = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export type Notice =
	| { kind: 'ok'; key: 'live.locked_ok'; n: number }
	| { kind: 'error'; code: string; message: string; available?: number };

/**
 * The live console's state: the line-up, every slot's counters kept current from socket.io
 * (stale, out-of-order updates dropped by version), and the actions an assistant takes.
 */
export class LiveShow {
	status = $state<ShowStatus>('scheduled');
	currentSlotId = $state<string | null>(null);
	selected = $state(0);
	connected = $state(false);
	busy = $state(false);
	notice = $state<Notice | null>(null);
	readonly counters = new SvelteMap<string, ShowStockChangedV1>();
	/** The lock record, newest first: kept current for every viewer, not only whoever locked. */
	history = $state.raw<HistoryEntry[]>([]);
	/** Parcels of this show a supplier could not ship (out of stock, address problem), newest first. */
	exceptions = $state<{ number: number; status: string; at: string }[]>([]);
	private socket: AppSocket | undefined;
	private cleanup: (() => void) | undefined;
	private historyTimer: ReturnType<typeof setTimeout> | undefined;
	private historyFetch: Promise<void> | null = null;
	private historyAgain = false;
	/**
	 * A lock press whose answer never came: it may have locked. Pressing again for the same lot
	 * and quantity sends the same key, so the server answers with that lock instead of taking
	 * the stock a second time.
	 */
	private unsettled: { lotId: string; quantity: number; key: string } | null = null;

	constructor(
		readonly showId: string,
		readonly slots: ConsoleSlot[],
		init: {
			status: ShowStatus;
			currentSlotId: string | null;
			counters: ShowStockChangedV1[];
			history?: HistoryEntry[];
		}
	) {
		this.status = init.status;
		this.history = mergeHistory([], init.history ?? []);
		this.currentSlotId = init.currentSlotId;
		for (const c of init.counters) this.counters.set(c.lotId, c);
		const cur = slots.findIndex((s) => s.id === init.currentSlotId);
		this.selected = cur >= 0 ? cur : 0;
	}

	get selectedSlot(): ConsoleSlot | undefined {
		return this.slots[this.selected];
	}

	/**
	 * Accepts a counter update unless an update with a newer lot version already arrived. A
	 * change in what this show holds locked means the lock record has new lines: fetch them.
	 */
	apply(c: ShowStockChangedV1): void {
		if (c.showId !== this.showId) return;
		const prev = this.counters.get(c.lotId);
		if (prev && prev.version > c.version) return;
		this.counters.set(c.lotId, c);
		if (prev && prev.lockedInShow !== c.lockedInShow) this.scheduleHistory();
	}

	private scheduleHistory(): void {
		if (typeof fetch === 'undefined') return;
		clearTimeout(this.historyTimer);
		this.historyTimer = setTimeout(() => void this.refreshHistory(), HISTORY_DEBOUNCE_MS);
	}

	/** Fetches the lock record's lines newer than the newest shown (one fetch at a time). */
	refreshHistory(): Promise<void> {
		if (this.historyFetch) {
			this.historyAgain = true;
			return this.historyFetch;
		}
		this.historyFetch = (async () => {
			try {
				do {
					this.historyAgain = false;
					const after = this.history[0]?.id;
					const q = after === undefined ? '' : `?after=${after}`;
					const res = await fetch(`/api/v1/shows/${this.showId}/history${q}`);
					if (!res.ok) return;
					const body = (await res.json()) as { events: HistoryEntry[] };
					this.history = mergeHistory(this.history, body.events);
				} while (this.historyAgain);
			} catch {
				/* offline: the next change or reconnect fetches again */
			} finally {
				this.historyFetch = null;
			}
		})();
		return this.historyFetch;
	}

	connect(): void {
		const socket = (this.socket = appSocket());
		const watch = () => {
			socket.emit('ShowWatchV1', { showId: this.showId }, (res) => {
				if (res.ok) for (const c of res.data) this.apply(c);
			});
			void this.refreshHistory(); // what happened while disconnected
		};
		const onConnect = () => {
			this.connected = true;
			watch(); // (re)join the room and catch up after a reconnect
		};
		const onDisconnect = () => (this.connected = false);
		const onStock = (c: ShowStockChangedV1) => this.apply(c);
		const onShow = (p: { showId: string; status: ShowStatus; currentSlotId: string | null }) => {
			if (p.showId !== this.showId) return;
			this.status = p.status;
			this.currentSlotId = p.currentSlotId;
		};
		const onParcels = (p: FulfilmentsChangedV1) => this.noteExceptions(p);
		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('FulfilmentsChangedV1', onParcels);
		socket.on('ShowStockChangedV1', onStock);
		socket.on('ShowChangedV1', onShow);
		if (socket.connected) onConnect();
		this.cleanup = () => {
			clearTimeout(this.historyTimer);
			socket.emit('ShowUnwatchV1', { showId: this.showId });
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('ShowStockChangedV1', onStock);
			socket.off('FulfilmentsChangedV1', onParcels);
			socket.off('ShowChangedV1', onShow);
		};
	}

	/** Out-of-stock and address problems reach the live console at once (the host tells viewers). */
	noteExceptions(p: FulfilmentsChangedV1): void {
		const hits = p.items.filter(
			(i) =>
				i.showId === this.showId &&
				i.change === 'changed' &&
				(i.status === 'out_of_stock' || i.status === 'address_problem')
		);
		if (hits.length === 0) return;
		this.exceptions = [
			...hits.map((i) => ({ number: i.number, status: i.status, at: i.at })),
			...this.exceptions
		].slice(0, 20);
	}

	disconnect(): void {
		this.cleanup?.();
	}

	move(delta: number): void {
		const n = this.slots.length;
		if (n === 0) return;
		this.selected = (this.selected + delta + n) % n;
	}

	async lock(slot: ConsoleSlot, quantity: number): Promise<void> {
		const socket = this.socket;
		if (!socket || this.busy) return;
		this.busy = true;
		const u = this.unsettled;
		const key =
			u && u.lotId === slot.lotId && u.quantity === quantity ? u.key : newIdempotencyKey();
		this.unsettled = { lotId: slot.lotId, quantity, key };
		const request = { showId: this.showId, lotId: slot.lotId, quantity, idempotencyKey: key };
		try {
			let res: AckResult<{ lock: LockV1; counters: LotCountersV1; replayed: boolean }> | undefined;
			// A lost answer (slow network, a reconnect) is retried with the same key: one lock.
			for (let send = 1; res === undefined; send++) {
				try {
					res = await socket.timeout(LOCK_ACK_MS).emitWithAck('LockAcquireV1', request);
				} catch (e) {
					if (send >= LOCK_SENDS) throw e;
				}
			}
			this.unsettled = null;
			if (res.ok) {
				this.notice = { kind: 'ok', key: 'live.locked_ok', n: quantity };
				void this.refreshHistory();
			} else {
				const available = typeof res.error.available === 'number' ? res.error.available : undefined;
				this.notice = {
					kind: 'error',
					code: res.error.code,
					message: res.error.message,
					available
				};
			}
		} catch {
			this.notice = { kind: 'error', code: 'timeout', message: 'timeout' };
		} finally {
			this.busy = false;
		}
	}

	private async call(method: string, url: string, body?: unknown): Promise<boolean> {
		this.busy = true;
		try {
			const res = await fetch(url, {
				method,
				headers: body ? { 'content-type': 'application/json' } : {},
				body: body ? JSON.stringify(body) : undefined
			});
			if (!res.ok) {
				const e = (await res.json().catch(() => ({}))) as {
					error?: { code: string; message: string };
				};
				this.notice = {
					kind: 'error',
					code: e.error?.code ?? String(res.status),
					message: e.error?.message ?? res.statusText
				};
				return false;
			}
			// an earlier refusal (库存不足 …) is no longer what the screen should say
			this.notice = null;
			return true;
		} finally {
			this.busy = false;
		}
	}

	async release(slot: ConsoleSlot): Promise<boolean> {
		const ok = await this.call('DELETE', `/api/v1/shows/${this.showId}/lots/${slot.lotId}/locks`);
		if (ok) void this.refreshHistory();
		return ok;
	}

	async setCurrent(slot: ConsoleSlot): Promise<void> {
		if (await this.call('PUT', `/api/v1/shows/${this.showId}/current-slot`, { slotId: slot.id })) {
			this.currentSlotId = slot.id;
		}
	}

	async transition(status: 'live' | 'ended'): Promise<void> {
		if (await this.call('POST', `/api/v1/shows/${this.showId}/status`, { status }))
			this.status = status;
	}
}
