/**
 * A board open in the browser: the Yjs document, kept in IndexedDB (y-indexeddb: edits made
 * offline survive a reload) and synced over /collab/<boardId> (y-websocket), with presence
 * (awareness) and the sync state shown in the badge. Svelte 5 runes hold what the UI reads;
 * text fields bind to their Y.Text directly (see ytext.ts), so typing does not go through runes.
 *
 * Sync state: 'saved' only when the server has acknowledged that every edit this browser sent
 * is committed in Postgres (see $lib/collab/protocol.ts); 'syncing' while connected with edits
 * not yet acknowledged; 'offline' while disconnected (edits stay in IndexedDB and merge on
 * reconnect); 'connecting' before the first connection; 'readonly' while the server says this
 * connection may only read (viewers, archived boards): nothing is being saved then.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import {
	addChecklistItem,
	addSlot,
	metaMap,
	moveSlot,
	orderedSlotMaps,
	pairSlots,
	readMeta,
	removeChecklistItem,
	removeSlot,
	setChecklistDone,
	setSlotField,
	slotToPlain,
	slotsMap,
	unpairSlot,
	type BoardMeta,
	type BoardSlot,
	type CrossSellRole,
	type ScalarField
} from '$lib/collab/board';
import {
	installAccessHandler,
	installSavedHandler,
	isSaved,
	withSaveTracking
} from '$lib/collab/protocol';
import { onePerPerson } from './peers';

export type SyncState = 'saved' | 'syncing' | 'offline' | 'connecting' | 'readonly';
export type FocusField = 'script' | 'notes' | 'fields' | 'checklist' | null;

export interface Peer {
	clientId: number;
	userId: string;
	name: string;
	color: string;
	slotId: string | null;
	field: FocusField;
	self: boolean;
}

export interface SessionUser {
	id: string;
	name: string;
}

/** A stable, readable colour per user. */
export function colorFor(id: string): string {
	let h = 0;
	for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	return `hsl(${h % 360} 65% 42%)`;
}

/** Local edits: the text bindings and the board operations use this origin. */
export const LOCAL = Symbol('board.local');

export class BoardSession {
	readonly doc = new Y.Doc();
	/** Slots in on-air order as plain values (texts as they are now; refreshed on change). */
	slots = $state.raw<BoardSlot[]>([]);
	meta = $state.raw<BoardMeta>({ broadcastAt: '' });
	sync = $state<SyncState>('connecting');
	peers = $state.raw<Peer[]>([]);
	/** IndexedDB has been read (what was saved on this device is shown). */
	localLoaded = $state(false);
	/** The server closed the connection for good (access revoked or board gone). */
	closed = $state<{ code: number; reason: string } | null>(null);

	private provider: WebsocketProvider | undefined;
	private idb: IndexeddbPersistence | undefined;
	private everConnected = false;
	private stops: (() => void)[] = [];
	private pendingRefresh = false;

	/** Editing is off: from the page's access, then from what the server says on each connection. */
	readOnly = $state(false);

	constructor(
		readonly boardId: string,
		readonly user: SessionUser,
		readOnly: boolean
	) {
		this.readOnly = readOnly;
	}

	/** Connects (browser only). Safe to call once; `destroy` undoes it. */
	start(): void {
		const { doc } = this;
		this.idb = new IndexeddbPersistence(`lotlive-board-${this.boardId}`, doc);
		void this.idb.whenSynced.then(() => {
			this.localLoaded = true;
			this.refresh();
		});
		const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const TrackedSocket = withSaveTracking(WebSocket);
		const provider = new WebsocketProvider(`${proto}//${location.host}/collab`, this.boardId, doc, {
			WebSocketPolyfill: TrackedSocket as unknown as typeof WebSocket,
			maxBackoffTime: 2500,
			// Another tab of this browser shares IndexedDB, not the socket: both connect themselves.
			disableBc: true
		});
		this.provider = provider;
		installSavedHandler(provider, () => this.updateSync());
		installAccessHandler(provider, (access) => {
			this.readOnly = access === 'read';
			this.updateSync();
		});
		provider.on('status', () => this.updateSync());
		provider.on('sync', () => this.updateSync());
		provider.on('closed', (e: { code: number; reason: string }) => {
			this.closed = e;
			this.updateSync();
		});

		const onUpdate = () => {
			this.updateSync();
			this.scheduleRefresh();
		};
		doc.on('update', onUpdate);
		this.stops.push(() => doc.off('update', onUpdate));

		const awareness = provider.awareness;
		awareness.setLocalStateField('user', {
			id: this.user.id,
			name: this.user.name,
			color: colorFor(this.user.id)
		});
		awareness.setLocalStateField('slotId', null);
		awareness.setLocalStateField('field', null);
		const onAwareness = () => this.readPeers();
		awareness.on('change', onAwareness);
		this.stops.push(() => awareness.off('change', onAwareness));

		// The browser knows it is offline before the socket notices: disconnect at once (the badge
		// says so), and reconnect as soon as the network is back.
		const offline = () => {
			provider.disconnect();
			this.updateSync();
		};
		const online = () => {
			provider.connect();
			this.updateSync();
		};
		window.addEventListener('offline', offline);
		window.addEventListener('online', online);
		this.stops.push(() => {
			window.removeEventListener('offline', offline);
			window.removeEventListener('online', online);
		});
		if (!navigator.onLine) provider.disconnect();
		// y-websocket flips `synced` without an event in a few paths; a cheap re-check covers them.
		const timer = setInterval(() => this.updateSync(), 1000);
		this.stops.push(() => clearInterval(timer));
		this.refresh();
		this.readPeers();
		this.updateSync();
	}

	destroy(): void {
		for (const s of this.stops.splice(0)) s();
		this.provider?.awareness.setLocalState(null);
		this.provider?.destroy();
		void this.idb?.destroy();
		this.doc.destroy();
	}

	private updateSync() {
		const p = this.provider;
		let next: SyncState;
		if (!p || !p.wsconnected) next = this.everConnected ? 'offline' : 'connecting';
		else {
			this.everConnected = true;
			next = this.readOnly ? 'readonly' : isSaved(p) ? 'saved' : 'syncing';
		}
		if (!navigator.onLine) next = 'offline';
		if (next !== this.sync) this.sync = next;
	}

	private scheduleRefresh() {
		if (this.pendingRefresh) return;
		this.pendingRefresh = true;
		queueMicrotask(() => {
			this.pendingRefresh = false;
			this.refresh();
		});
	}

	/** Re-reads slots and meta from the document. */
	refresh(): void {
		this.slots = orderedSlotMaps(this.doc).map((s, i) => slotToPlain(s.id, s.map, i + 1));
		const m = readMeta(this.doc);
		if (m.broadcastAt !== this.meta.broadcastAt) this.meta = m;
	}

	private readPeers() {
		const p = this.provider;
		if (!p) return;
		const out: (Peer & { lastUpdated: number })[] = [];
		for (const [clientId, state] of p.awareness.getStates()) {
			const u = (state as { user?: { id?: unknown; name?: unknown; color?: unknown } }).user;
			if (!u || typeof u.id !== 'string') continue;
			const s = state as { slotId?: unknown; field?: unknown };
			out.push({
				clientId,
				userId: u.id,
				name: typeof u.name === 'string' ? u.name : '?',
				color: typeof u.color === 'string' ? u.color : colorFor(u.id),
				slotId: typeof s.slotId === 'string' ? s.slotId : null,
				field: (typeof s.field === 'string' ? s.field : null) as FocusField,
				self: clientId === this.doc.clientID,
				lastUpdated: p.awareness.meta.get(clientId)?.lastUpdated ?? 0
			});
		}
		const people: Peer[] = onePerPerson(out).map(({ lastUpdated: _, ...peer }) => peer);
		people.sort((a, b) => (a.self === b.self ? a.name.localeCompare(b.name) : a.self ? -1 : 1));
		this.peers = people;
	}

	/** Tells the others which slot (and field) this person is on. */
	focus(slotId: string | null, field: FocusField = null): void {
		const a = this.provider?.awareness;
		if (!a) return;
		const cur = a.getLocalState() as { slotId?: unknown; field?: unknown } | null;
		if (cur?.slotId === slotId && cur?.field === field) return;
		a.setLocalStateField('slotId', slotId);
		a.setLocalStateField('field', field);
	}

	// ------------------------------------------------------------ reading

	text(slotId: string, field: 'script' | 'notes'): Y.Text | undefined {
		const t = slotsMap(this.doc).get(slotId)?.get(field);
		return t instanceof Y.Text ? t : undefined;
	}

	// ------------------------------------------------------------ editing (no-ops when read-only)

	addSlot(
		lotId: string,
		init: { livePriceFen?: number | null } = {},
		index?: number
	): string | null {
		if (this.readOnly) return null;
		return addSlot(this.doc, { lotId, ...init }, index, LOCAL);
	}
	moveSlot(id: string, index: number): void {
		if (!this.readOnly) moveSlot(this.doc, id, index, LOCAL);
	}
	removeSlot(id: string): void {
		if (!this.readOnly) removeSlot(this.doc, id, LOCAL);
	}
	setField(id: string, field: ScalarField, value: string | number | null): boolean {
		if (this.readOnly) return false;
		return setSlotField(this.doc, id, field, value, LOCAL);
	}
	pair(id: string, role: CrossSellRole, partnerId: string | null): void {
		if (this.readOnly) return;
		if (!partnerId) unpairSlot(this.doc, id, LOCAL);
		else if (role === 'traffic') pairSlots(this.doc, id, partnerId, LOCAL);
		else pairSlots(this.doc, partnerId, id, LOCAL);
	}
	addChecklist(slotId: string, text: string): boolean {
		return !this.readOnly && addChecklistItem(this.doc, slotId, text, LOCAL);
	}
	setChecklistDone(slotId: string, itemId: string, done: boolean): void {
		if (!this.readOnly) setChecklistDone(this.doc, slotId, itemId, done, LOCAL);
	}
	removeChecklist(slotId: string, itemId: string): void {
		if (!this.readOnly) removeChecklistItem(this.doc, slotId, itemId, LOCAL);
	}
	setBroadcastAt(iso: string): void {
		if (!this.readOnly) this.doc.transact(() => metaMap(this.doc).set('broadcastAt', iso), LOCAL);
	}
}
