/**
 * Live available stock for the lots on a board: watches them over socket.io (LotWatchV1 joins
 * `lot:<id>` rooms and answers with current counters) and applies StockChangedV1 pushes,
 * dropping any whose version is older than what is shown (events can arrive out of order).
 */
import { io, type Socket } from 'socket.io-client';
import { SvelteMap } from 'svelte/reactivity';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	StockChangedV1
} from '$lib/realtime/events';

export interface StockView {
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	version: number;
}

const CHUNK = 1000; // LotWatchV1 takes at most 1000 ids

export class LiveStock {
	readonly byLot = new SvelteMap<string, StockView>();
	connected = $state(false);
	private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
	// bookkeeping only, never rendered
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private watched = new Set<string>();

	/** Counters known from the page load (version-checked like any update). */
	seed(lotId: string, s: StockView): void {
		this.apply({ lotId, ...s });
	}

	apply(
		e: Pick<StockChangedV1, 'lotId' | 'onHand' | 'locked' | 'allocated' | 'available' | 'version'>
	) {
		const cur = this.byLot.get(e.lotId);
		if (cur && cur.version > e.version) return;
		if (cur && cur.version === e.version && cur.available === e.available) return;
		this.byLot.set(e.lotId, {
			onHand: e.onHand,
			locked: e.locked,
			allocated: e.allocated,
			available: e.available,
			version: e.version
		});
	}

	start(): void {
		const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
			transports: ['websocket', 'polling']
		});
		this.socket = socket;
		socket.on('connect', () => {
			this.connected = true;
			void this.send([...this.watched]); // rooms are per connection: join again
		});
		socket.on('disconnect', () => (this.connected = false));
		socket.on('StockChangedV1', (e) => this.apply(e));
	}

	/** Adds lots to watch (new ones only). */
	watch(lotIds: string[]): void {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local dedupe
		const fresh = [...new Set(lotIds)].filter((id) => !this.watched.has(id));
		if (fresh.length === 0) return;
		for (const id of fresh) this.watched.add(id);
		if (this.socket?.connected) void this.send(fresh);
	}

	private async send(ids: string[]) {
		for (let i = 0; i < ids.length; i += CHUNK) {
			const res = await this.socket
				?.timeout(10_000)
				.emitWithAck('LotWatchV1', { lotIds: ids.slice(i, i + CHUNK) })
				.catch(() => null);
			if (res?.ok) for (const e of res.data) this.apply(e);
		}
	}

	destroy(): void {
		this.socket?.disconnect();
		this.socket = undefined;
	}
}
