/**
 * The run-of-show board a show was started from, open in the live console: the same Yjs
 * document the team edits at /console/boards/<id>, synced over /collab/<boardId> (the server
 * checks the team's access there as for the board page). The console reads each slot's
 * defect script, notes and checklist as they are typed on the board, and ticking a checklist
 * item during the broadcast writes to the board, so the board sees it too. Read-only viewers
 * (operators, archived boards) get what the server allows: reading.
 *
 * No IndexedDB and no presence: the console is a window on the board, not an editor of it.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { orderedSlotMaps, setChecklistDone, slotToPlain, type BoardSlot } from '$lib/collab/board';
import { installAccessHandler, installSavedHandler } from '$lib/collab/protocol';

/** Origin of the console's own edits. */
const CONSOLE = Symbol('console.board');

export class ShowBoard {
	readonly doc = new Y.Doc();
	/** Board slots by id, as plain values (replaced on every change). */
	slots = $state.raw<Record<string, BoardSlot>>({});
	/** The server answered the first sync: `slots` is the board, not an empty document. */
	synced = $state(false);
	connected = $state(false);
	/** What the server says this connection may do (read until it says write). */
	readOnly = $state(true);
	private provider: WebsocketProvider | undefined;
	private stops: (() => void)[] = [];
	private pending = false;

	constructor(readonly boardId: string) {}

	/** Connects (browser only); `destroy` undoes it. */
	start(): void {
		const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const provider = new WebsocketProvider(
			`${proto}//${location.host}/collab`,
			this.boardId,
			this.doc,
			{
				maxBackoffTime: 2500,
				disableBc: true
			}
		);
		this.provider = provider;
		// the console does not track saves, but must understand the server's messages
		installSavedHandler(provider, () => {});
		installAccessHandler(provider, (access) => (this.readOnly = access === 'read'));
		provider.awareness.setLocalState(null);
		provider.on('status', (e: { status: string }) => (this.connected = e.status === 'connected'));
		provider.on('sync', (synced: boolean) => {
			if (synced) this.synced = true;
			this.refresh();
		});
		const onUpdate = () => {
			if (this.pending) return;
			this.pending = true;
			queueMicrotask(() => {
				this.pending = false;
				this.refresh();
			});
		};
		this.doc.on('update', onUpdate);
		this.stops.push(() => this.doc.off('update', onUpdate));
		const online = () => provider.connect();
		window.addEventListener('online', online);
		this.stops.push(() => window.removeEventListener('online', online));
	}

	destroy(): void {
		for (const s of this.stops.splice(0)) s();
		this.provider?.destroy();
		this.doc.destroy();
	}

	private refresh(): void {
		const next: Record<string, BoardSlot> = {};
		orderedSlotMaps(this.doc).forEach((s, i) => (next[s.id] = slotToPlain(s.id, s.map, i + 1)));
		this.slots = next;
	}

	slot(id: string | null | undefined): BoardSlot | undefined {
		return id && Object.hasOwn(this.slots, id) ? this.slots[id] : undefined;
	}

	/** Ticks (or unticks) a checklist item on the board; nothing when read-only. */
	setChecklistDone(slotId: string, itemId: string, done: boolean): void {
		if (this.readOnly) return;
		setChecklistDone(this.doc, slotId, itemId, done, CONSOLE);
	}
}
