/**
 * Live available stock for the lots on a board: watches them over socket.io (LotWatchV1 joins
 * `lot:<id>` rooms and answers with current counters) and applies StockChangedV1 pushes,
 * dropping any whose version is older than what is shown (events can arrive out of order).
 */
import { SvelteMap } from 'svelte/reactivity';
import { appSocket, type AppSocket } from '$lib/realtime/client';
import type { StockChangedV1 } from '$lib/realtime/events';

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
	private socket: AppSocket | undefined;
	private cleanup: (() => void) | undefined;
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

	/** Uses the browser's one socket.io connection; rooms are per connection, so join again on reconnect. */
	start(): void {
		const socket = (this.socket = appSocket());
		const onConnect = () => {
			this.connected = true;
			void this.send([...this.watched]);
		};
		const onDisconnect = () => (this.connected = false);
		const onStock = (e: StockChangedV1) => this.apply(e);
		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('StockChangedV1', onStock);
		if (socket.connected) onConnect();
		this.cleanup = () => {
			const ids = [...this.watched];
			for (let i = 0; i < ids.length; i += CHUNK)
				socket.emit('LotUnwatchV1', { lotIds: ids.slice(i, i + CHUNK) });
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('StockChangedV1', onStock);
		};
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
		this.cleanup?.();
		this.cleanup = undefined;
		this.socket = undefined;
	}
}
