import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { MESSAGE_AWARENESS, MESSAGE_SYNC, encodeAccess, encodeSaved } from '$lib/collab/protocol';
import { authenticateHeaders } from '../auth/request';
import type { Principal } from '../auth/principal';
import { logger } from '../log';
import { writeUpgradeError } from '../realtime/upgrade';
import {
	chunkAwarenessEntries,
	decodeAwarenessEntries,
	encodeAwarenessEntries,
	isRemoval,
	type AwarenessEntry
} from './awareness';

export const COLLAB_PREFIX = '/collab/';
/** Snapshots larger than this take the cold-load fast path (see SharedDoc.base). */
const FAST_LOAD_BYTES = 16 * 1024;

export type Access = 'write' | 'read';

/**
 * Decides who may open a document. Modules that own documents (boards) register one;
 * `undefined` means the document does not exist (404), `null` means refused (403).
 */
export type AccessResolver = (
	actor: Principal,
	docId: string
) => Promise<Access | null | undefined>;

/** A save another node committed, announced after its commit. */
export interface RemoteSave {
	docId: string;
	nodeId: string;
	/** Row id of the stored update, to fetch it when `update` was too large to travel inline. */
	id: number;
	update?: Uint8Array;
}

/**
 * Presence (awareness) between nodes: a node announces the awareness entries of its own
 * clients (`update`), or asks the others for theirs when it opens a document (`query`).
 */
export interface PresenceMessage {
	docId: string;
	nodeId: string;
	update?: Uint8Array;
	query?: boolean;
}

export interface StoredDoc {
	/** Snapshot first, then appended updates in order. */
	updates: Uint8Array[];
	/** State vector of `updates[0]`, when the store keeps it (lets a load skip decoding it). */
	snapshotStateVector?: Uint8Array;
}

/** Where documents live between processes; the board module provides the Postgres one. */
export interface CollabPersistence {
	/** Whether this persistence stores the document; others live in memory only. */
	handles(docId: string): boolean;
	/** The stored updates (snapshot first), or null when the document is unknown. */
	load(docId: string): Promise<StoredDoc | null>;
	/** Appends one update; resolves once committed. Announces it to other nodes in the same commit. */
	save(docId: string, update: Uint8Array, nodeId: string): Promise<void>;
	/** Folds appended updates into the snapshot. */
	compact(docId: string): Promise<void>;
	/**
	 * Saves by other nodes (multi-process deployments); resolves to an unsubscribe function.
	 * `onResubscribed` runs when the subscription came back after a break (announcements may
	 * have been missed: open documents are read again).
	 */
	subscribe?(
		onRemote: (save: RemoteSave) => void,
		onResubscribed: () => void
	): Promise<() => Promise<void>>;
	/** One stored update by row id; null when compaction already folded it away. */
	fetchSaved?(id: number): Promise<Uint8Array | null>;
	/** Sends a presence message to the other nodes (multi-process deployments). */
	publishPresence?(message: PresenceMessage): Promise<void>;
	/** Other nodes' presence messages; resolves to an unsubscribe function. */
	subscribePresence?(
		onMessage: (message: PresenceMessage) => void,
		onResubscribed: () => void
	): Promise<() => Promise<void>>;
	/** Largest awareness update one presence message may carry (bytes). */
	presenceMaxBytes?: number;
}

interface Conn {
	ws: WebSocket;
	access: Access;
	actor: Principal;
	/** Awareness client ids this connection controls, removed when it closes. */
	clients: Set<number>;
	/**
	 * Per client id: how far this server moved the client's awareness clock forward. A client
	 * that reconnects re-sends its state with the clock it had; when the server already removed
	 * that client (its old connection closed) the same clock would be ignored, so the server
	 * counts on from the removal and keeps doing so for that client's later updates.
	 */
	clockShift: Map<number, number>;
	/** This connection sent its first awareness message (see applyClientAwareness). */
	greeted: boolean;
	/** Content messages (sync step 2 / update) received on this connection. */
	received: number;
	/** The highest count acknowledged as saved. */
	acked: number;
}

/** Origins of document changes that must not be saved again by this node. */
const LOAD = Symbol('collab.load');
const RELAY = Symbol('collab.relay');
/** Origin of awareness removals when a connection closes (announced to other nodes). */
const CLOSED = Symbol('collab.closed');

export class SharedDoc {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly conns = new Map<WebSocket, Conn>();
	/** Stored by the persistence (false: memory only). */
	persistent = false;
	/** Updates from clients not yet committed, oldest first. */
	pending: Uint8Array[] = [];
	/** When the oldest pending update arrived (for the max wait). */
	firstPendingAt = 0;
	saveTimer: ReturnType<typeof setTimeout> | undefined;
	retryTimer: ReturnType<typeof setTimeout> | undefined;
	failures = 0;
	saving: Promise<void> | null = null;
	compacting: Promise<void> | null = null;
	/** Update rows this node appended since it last compacted (or loaded). */
	rowsSinceCompact = 0;
	unloading = false;
	destroyed = false;
	/**
	 * Cold-load fast path: the stored snapshot not yet applied to `doc`, and its state vector.
	 * New clients are answered from these bytes while the server applies them right after.
	 */
	base: Uint8Array | null = null;
	baseStateVector: Uint8Array | null = null;
	constructor(readonly id: string) {
		this.awareness.setLocalState(null);
	}
}

export interface CollabOptions {
	resolveAccess: AccessResolver;
	persistence?: CollabPersistence;
	/** Save this long after the last edit … */
	saveDebounceMs?: number;
	/** … but never later than this after the first unsaved edit. */
	saveMaxWaitMs?: number;
	/** First retry delay after a failed save; doubles up to `retryMaxMs`. */
	retryBaseMs?: number;
	retryMaxMs?: number;
	/** Compact after this many appended rows (and whenever a document is unloaded). */
	compactEvery?: number;
	/** Identifies this process to the relay; random by default. */
	nodeId?: string;
}

/**
 * The y-websocket protocol (sync + awareness) at /collab/<docId> on the app's own port.
 * Upgrades are authenticated with the session cookie or a Bearer token and authorised per
 * document before any websocket exists. Read-only connections receive updates but their
 * document updates are ignored.
 *
 * Persistence follows Hocuspocus: one shared load promise per document; edits are saved
 * debounced (`saveDebounceMs`) with a maximum wait (`saveMaxWaitMs`), one save at a time per
 * document; a failed save puts its updates back and retries with backoff while the document
 * stays in memory; a document is unloaded only after its last connection closed AND everything
 * is saved. Each connection gets a `MESSAGE_SAVED` acknowledgement once its edits are committed
 * (see $lib/collab/protocol.ts), which is what the UI's 已保存 badge shows.
 *
 * Several processes on one database: each save is announced (Postgres NOTIFY, in the save's
 * own transaction) and applied by other nodes that have the document open, with an origin that
 * is neither saved again nor announced again — so nothing is persisted twice or echoed back.
 */
export function createCollab(opts: CollabOptions) {
	const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
	/** Open documents: the shared load promise, and the document once loaded. */
	const docs = new Map<string, { promise: Promise<SharedDoc>; shared?: SharedDoc }>();
	const log = logger().child({ mod: 'collab' });
	const persistence = opts.persistence;
	const nodeId = opts.nodeId ?? randomUUID();
	const debounceMs = opts.saveDebounceMs ?? 200;
	const maxWaitMs = opts.saveMaxWaitMs ?? 1000;
	const retryBaseMs = opts.retryBaseMs ?? 250;
	const retryMaxMs = opts.retryMaxMs ?? 15_000;
	const compactEvery = opts.compactEvery ?? 100;
	let closing = false;

	// Listen for other nodes' saves before the first load, so no save falls between a load's
	// read and the subscription.
	let unsubscribe: (() => Promise<void>) | undefined;
	const relayReady: Promise<void> = persistence?.subscribe
		? persistence
				.subscribe(onRemoteSave, catchUp)
				.then((u) => {
					unsubscribe = u;
				})
				.catch((err) => log.error({ err }, 'collab relay subscription failed'))
		: Promise.resolve();

	// Presence between nodes, the same way: other nodes' clients appear in this node's awareness.
	let unsubscribePresence: (() => Promise<void>) | undefined;
	const presenceReady: Promise<void> = persistence?.subscribePresence
		? persistence
				.subscribePresence(onRemotePresence, presenceCatchUp)
				.then((u) => {
					unsubscribePresence = u;
				})
				.catch((err) => log.error({ err }, 'collab presence subscription failed'))
		: Promise.resolve();
	const presenceMaxBytes = persistence?.presenceMaxBytes ?? 4000;
	/** Presence messages go out one after the other (clocks make order matter little, but keep it). */
	let presenceChain: Promise<void> = Promise.resolve();

	function broadcast(shared: SharedDoc, message: Uint8Array, except?: WebSocket) {
		for (const ws of shared.conns.keys()) if (ws !== except) send(shared, ws, message);
	}

	function send(shared: SharedDoc, ws: WebSocket, message: Uint8Array) {
		if (ws.readyState !== ws.OPEN) return closeConn(shared, ws);
		ws.send(message, (err) => {
			if (err) closeConn(shared, ws);
		});
	}

	function ack(shared: SharedDoc, conn: Conn, n: number) {
		if (n <= conn.acked || !shared.conns.has(conn.ws)) return;
		conn.acked = n;
		send(shared, conn.ws, encodeSaved(n));
	}

	// ------------------------------------------------------------------ saving

	function scheduleSave(shared: SharedDoc) {
		if (!shared.persistent || shared.pending.length === 0) return;
		if (shared.saving || shared.retryTimer) return; // rescheduled when those finish
		const now = Date.now();
		if (!shared.firstPendingAt) shared.firstPendingAt = now;
		const wait = Math.max(0, Math.min(debounceMs, shared.firstPendingAt + maxWaitMs - now));
		clearTimeout(shared.saveTimer);
		shared.saveTimer = setTimeout(() => void runSave(shared), wait);
	}

	/** Saves what is pending now (one save at a time); resolves when that attempt is over. */
	function runSave(shared: SharedDoc): Promise<void> {
		clearTimeout(shared.saveTimer);
		shared.saveTimer = undefined;
		if (shared.saving) return shared.saving;
		if (!persistence || shared.pending.length === 0) return Promise.resolve();
		const batch = shared.pending.splice(0);
		shared.firstPendingAt = 0;
		// Everything each connection sent so far is in this batch or already stored.
		const acks = [...shared.conns.values()].map((c) => [c, c.received] as const);
		const attempt = (async () => {
			try {
				const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
				await persistence.save(shared.id, update, nodeId);
				shared.failures = 0;
				shared.rowsSinceCompact++;
				if (shared.pending.length === 0) {
					for (const c of shared.conns.values()) ack(shared, c, c.received);
				} else {
					for (const [c, n] of acks) ack(shared, c, n);
				}
			} catch (err) {
				// Keep the edits: back in front of anything that arrived meanwhile, then retry.
				shared.pending.unshift(...batch);
				shared.firstPendingAt ||= Date.now();
				shared.failures++;
				const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (shared.failures - 1));
				log.warn(
					{ err, docId: shared.id, failures: shared.failures, retryInMs: delay },
					'collab save failed; keeping the document in memory and retrying'
				);
				clearTimeout(shared.retryTimer);
				shared.retryTimer = setTimeout(() => {
					shared.retryTimer = undefined;
					void runSave(shared);
				}, delay);
			}
		})();
		shared.saving = attempt.finally(() => {
			shared.saving = null;
			if (shared.destroyed) return;
			if (shared.failures === 0) {
				if (shared.pending.length > 0) scheduleSave(shared);
				else if (shared.rowsSinceCompact >= compactEvery) void compact(shared);
			}
			maybeUnload(shared);
		});
		return shared.saving;
	}

	function compact(shared: SharedDoc): Promise<void> {
		if (!persistence || !shared.persistent) return Promise.resolve();
		shared.compacting ??= (async () => {
			const rows = shared.rowsSinceCompact;
			try {
				await persistence.compact(shared.id);
				shared.rowsSinceCompact = Math.max(0, shared.rowsSinceCompact - rows);
			} catch (err) {
				// The appended rows are still there; compaction is only tidying up.
				log.warn({ err, docId: shared.id }, 'collab compaction failed');
			} finally {
				shared.compacting = null;
			}
		})();
		return shared.compacting;
	}

	/** Unloads once nobody is connected and nothing is unsaved; flushes first when needed. */
	function maybeUnload(shared: SharedDoc) {
		if (shared.conns.size > 0 || shared.unloading || shared.destroyed) return;
		if (shared.pending.length > 0) {
			if (!shared.saving && !shared.retryTimer) void runSave(shared);
			return; // runSave calls back here when it is done
		}
		if (shared.saving || shared.retryTimer) return;
		shared.unloading = true;
		void (async () => {
			if (shared.rowsSinceCompact > 0 && !closing) await compact(shared);
			else if (shared.compacting) await shared.compacting;
			shared.unloading = false;
			if (shared.conns.size > 0 || shared.pending.length > 0 || shared.saving) {
				if (shared.pending.length > 0) scheduleSave(shared);
				return;
			}
			destroy(shared);
		})();
	}

	function destroy(shared: SharedDoc) {
		if (shared.destroyed) return;
		shared.destroyed = true;
		clearTimeout(shared.saveTimer);
		clearTimeout(shared.retryTimer);
		if (docs.get(shared.id)?.shared === shared) docs.delete(shared.id);
		shared.awareness.destroy();
		shared.doc.destroy();
	}

	// ------------------------------------------------------------------ relay

	function onRemoteSave(save: RemoteSave) {
		if (save.nodeId === nodeId) return;
		const entry = docs.get(save.docId);
		if (!entry) return; // not open here; a later load reads it from the database
		void entry.promise
			.then(async (shared) => {
				if (shared.destroyed) return;
				let update = save.update ?? (await persistence?.fetchSaved?.(save.id)) ?? null;
				if (!update) {
					// Folded into the snapshot already: read everything again (applying twice is harmless).
					const all = (await persistence?.load(shared.id))?.updates;
					update = all && all.length > 0 ? Y.mergeUpdates(all) : null;
				}
				if (update && !shared.destroyed) {
					ensureApplied(shared);
					Y.applyUpdate(shared.doc, update, RELAY);
				}
			})
			.catch((err) => log.warn({ err, docId: save.docId }, 'collab relay apply failed'));
	}

	/** After a break in the relay subscription: read every open document from the store again. */
	function catchUp() {
		for (const { shared } of docs.values()) {
			if (!shared || shared.destroyed || !shared.persistent) continue;
			void persistence
				?.load(shared.id)
				.then((stored) => {
					if (!stored || shared.destroyed) return;
					ensureApplied(shared);
					Y.applyUpdate(shared.doc, Y.mergeUpdates(stored.updates), RELAY);
				})
				.catch((err) => log.warn({ err, docId: shared.id }, 'collab catch-up failed'));
		}
		log.info({ docs: docs.size }, 'collab relay resubscribed; open documents read again');
	}

	// ------------------------------------------------------------------ presence relay

	const relaysPresence = (shared: SharedDoc) =>
		!!persistence?.publishPresence && shared.persistent && !shared.destroyed;

	function publishPresence(message: PresenceMessage) {
		const publish = persistence?.publishPresence;
		if (!publish) return;
		presenceChain = presenceChain
			.then(() => publish(message))
			.catch((err) => log.warn({ err, docId: message.docId }, 'presence publish failed'));
	}

	/** Announces these clients' current entries (state or removal) to the other nodes. */
	function publishAwareness(shared: SharedDoc, clients: number[]) {
		if (clients.length === 0 || !relaysPresence(shared)) return;
		const entries = decodeAwarenessEntries(
			awarenessProtocol.encodeAwarenessUpdate(shared.awareness, clients)
		);
		const { updates, dropped } = chunkAwarenessEntries(entries, presenceMaxBytes);
		if (dropped.length > 0) {
			log.warn({ docId: shared.id, clients: dropped.length }, 'awareness state too large to relay');
		}
		for (const update of updates) publishPresence({ docId: shared.id, nodeId, update });
	}

	/** The client ids this node's own connections control (with a state). */
	function localClients(shared: SharedDoc): number[] {
		const out: number[] = [];
		for (const c of shared.conns.values()) {
			for (const id of c.clients) if (shared.awareness.states.has(id)) out.push(id);
		}
		return out;
	}

	function connOwning(shared: SharedDoc, client: number): Conn | undefined {
		for (const c of shared.conns.values()) if (c.clients.has(client)) return c;
		return undefined;
	}

	function onRemotePresence(m: PresenceMessage) {
		if (m.nodeId === nodeId) return;
		const entry = docs.get(m.docId);
		if (!entry) return; // nobody here has it open
		void entry.promise
			.then((shared) => {
				if (shared.destroyed) return;
				if (m.query) return publishAwareness(shared, localClients(shared));
				if (!m.update) return;
				const keep: AwarenessEntry[] = [];
				for (const e of decodeAwarenessEntries(m.update)) {
					const mine = connOwning(shared, e.client);
					if (isRemoval(e)) {
						// the client is connected here now: a removal from where it was must not hide it
						if (!mine) keep.push(e);
					} else {
						// the client moved to that node (a reconnect through the load balancer): the
						// connection it left here no longer speaks for it
						mine?.clients.delete(e.client);
						keep.push(e);
					}
				}
				if (keep.length > 0) {
					awarenessProtocol.applyAwarenessUpdate(
						shared.awareness,
						encodeAwarenessEntries(keep),
						RELAY
					);
				}
			})
			.catch((err) => log.warn({ err, docId: m.docId }, 'presence relay apply failed'));
	}

	/** After a break in the presence subscription: ask again, and say again who is here. */
	function presenceCatchUp() {
		for (const { shared } of docs.values()) {
			if (!shared || shared.destroyed || !relaysPresence(shared)) continue;
			publishPresence({ docId: shared.id, nodeId, query: true });
			publishAwareness(shared, localClients(shared));
		}
	}

	// ------------------------------------------------------------------ documents

	function getDoc(docId: string): Promise<SharedDoc> {
		const existing = docs.get(docId);
		if (existing) return existing.promise;
		// One load promise shared by every connection that arrives while loading.
		const entry: { promise: Promise<SharedDoc>; shared?: SharedDoc } = {
			promise: Promise.resolve(undefined as unknown as SharedDoc)
		};
		entry.promise = (async () => {
			const shared = new SharedDoc(docId);
			if (persistence?.handles(docId)) {
				await relayReady;
				const started = performance.now();
				const stored = await persistence.load(docId);
				const read = performance.now();
				if (stored) {
					shared.persistent = true;
					const { updates, snapshotStateVector } = stored;
					if (updates.length === 1 && snapshotStateVector && updates[0]!.length > FAST_LOAD_BYTES) {
						// Only a snapshot: new clients get its bytes as they are, and the server applies
						// it just after answering them, so both sides decode it at the same time.
						shared.base = updates[0]!;
						shared.baseStateVector = snapshotStateVector;
						setImmediate(() => ensureApplied(shared));
					} else {
						shared.doc.transact(() => {
							for (const u of updates) Y.applyUpdate(shared.doc, u);
						}, LOAD);
					}
					shared.rowsSinceCompact = Math.max(0, updates.length - 1);
				}
				log.debug(
					{
						docId,
						rows: stored?.updates.length ?? 0,
						bytes: stored?.updates.reduce((n, u) => n + u.length, 0) ?? 0,
						readMs: Math.round(read - started),
						applyMs: Math.round(performance.now() - read),
						deferred: !!shared.base
					},
					'document loaded'
				);
			}
			shared.doc.on('update', (update: Uint8Array, origin: unknown) => {
				const enc = encoding.createEncoder();
				encoding.writeVarUint(enc, MESSAGE_SYNC);
				syncProtocol.writeUpdate(enc, update);
				const msg = encoding.toUint8Array(enc);
				const from = isConn(origin) ? origin.ws : undefined;
				// a deferred load: every connection got these bytes already (sync step 2)
				if (origin !== LOAD) broadcast(shared, msg, from);
				if (origin !== LOAD && origin !== RELAY && shared.persistent) {
					shared.pending.push(update);
					scheduleSave(shared);
				}
			});
			shared.awareness.on(
				'update',
				(
					{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
					origin: unknown
				) => {
					const changed = added.concat(updated, removed);
					if (isConn(origin)) {
						for (const id of added) origin.clients.add(id);
						for (const id of removed) origin.clients.delete(id);
					}
					// this node's own clients (not relayed ones, and not timeouts: every node
					// times out the clients it has not heard from by itself)
					if (isConn(origin) || origin === CLOSED) publishAwareness(shared, changed);
					const enc = encoding.createEncoder();
					encoding.writeVarUint(enc, MESSAGE_AWARENESS);
					encoding.writeVarUint8Array(
						enc,
						awarenessProtocol.encodeAwarenessUpdate(shared.awareness, changed)
					);
					broadcast(shared, encoding.toUint8Array(enc));
				}
			);
			if (shared.rowsSinceCompact >= compactEvery) void compact(shared);
			if (shared.persistent && persistence?.publishPresence) {
				// who is on this document through other nodes (they answer with their clients)
				await presenceReady;
				publishPresence({ docId, nodeId, query: true });
			}
			entry.shared = shared;
			return shared;
		})();
		docs.set(docId, entry);
		entry.promise.catch(() => {
			if (docs.get(docId) === entry) docs.delete(docId);
		});
		return entry.promise;
	}

	/** Applies a stored snapshot that was kept aside for the fast path (idempotent). */
	function ensureApplied(shared: SharedDoc) {
		const base = shared.base;
		if (!base || shared.destroyed) return;
		shared.base = null;
		shared.baseStateVector = null;
		Y.applyUpdate(shared.doc, base, LOAD);
	}

	function isConn(origin: unknown): origin is Conn {
		return !!origin && typeof origin === 'object' && 'ws' in origin && 'clients' in origin;
	}

	function closeConn(shared: SharedDoc, ws: WebSocket) {
		const conn = shared.conns.get(ws);
		if (conn) {
			shared.conns.delete(ws);
			awarenessProtocol.removeAwarenessStates(shared.awareness, [...conn.clients], CLOSED);
			maybeUnload(shared);
		}
		try {
			ws.close();
		} catch {
			/* already closed */
		}
	}

	/**
	 * Awareness entries are `{clientID, clock, JSON state}`; a signed-in user may only publish
	 * states that name themselves (`state.user.id`), so nobody can appear as someone else, and
	 * may only remove clients their own connection controls.
	 *
	 * Which client ids a connection speaks for: a y-websocket client announces its own state
	 * first thing on opening, and later echoes back every awareness change it receives (other
	 * people's states, same clocks). So the ids of a connection's first awareness message, and
	 * ids the server has never heard of, are the connection's own; anything else it sends about
	 * clients it does not control is an echo and is ignored.
	 *
	 * An id a connection claims stops belonging to any other connection (here, or — announced
	 * through the relay — on another node): when the older connection finally closes (a
	 * reconnect after going offline: the old socket lingers until the ping notices) it does not
	 * remove the person who is back, and the person is not listed twice.
	 */
	function applyClientAwareness(shared: SharedDoc, conn: Conn, update: Uint8Array) {
		const userId = conn.actor.userId;
		const aw = shared.awareness;
		const first = !conn.greeted;
		conn.greeted = true;
		const keep: AwarenessEntry[] = [];
		/** Claimed ids whose state the server already has (no awareness event announces them). */
		const silent: number[] = [];
		for (const e of decodeAwarenessEntries(update)) {
			const shift = conn.clockShift.get(e.client) ?? 0;
			let clock = e.clock + shift;
			const own = conn.clients.has(e.client);
			const known = aw.meta.get(e.client)?.clock;
			if (isRemoval(e)) {
				if (own || !aw.states.has(e.client)) keep.push({ ...e, clock });
				continue;
			}
			if (!own && !first && known !== undefined) continue; // an echo
			if (userId !== null) {
				const state = JSON.parse(e.json) as { user?: { id?: unknown } } | null;
				if (state?.user?.id !== userId) continue;
			}
			if (known !== undefined && !aw.states.has(e.client) && clock <= known) {
				// removed earlier (its old connection closed): count on from the removal
				conn.clockShift.set(e.client, shift + known + 1 - clock);
				clock = known + 1;
			}
			if (!own) {
				for (const other of shared.conns.values()) other.clients.delete(e.client);
				conn.clients.add(e.client);
				if (known !== undefined && clock <= known) silent.push(e.client);
			}
			keep.push({ ...e, clock });
		}
		if (keep.length > 0) {
			awarenessProtocol.applyAwarenessUpdate(aw, encodeAwarenessEntries(keep), conn);
		}
		// the other nodes must still learn that this node has these clients now
		publishAwareness(shared, silent);
	}

	function onMessage(shared: SharedDoc, conn: Conn, data: Uint8Array) {
		const decoder = decoding.createDecoder(data);
		const encoder = encoding.createEncoder();
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			const sub = decoding.peekVarUint(decoder);
			if (sub === syncProtocol.messageYjsSyncStep1 && shared.base) {
				// Answer from the stored snapshot (see SharedDoc.base); nothing else is in the doc yet.
				decoding.readVarUint(decoder);
				const sv = decoding.readVarUint8Array(decoder);
				const base = shared.base;
				encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
				encoding.writeVarUint8Array(
					encoder,
					Y.decodeStateVector(sv).size === 0 ? base : Y.diffUpdate(base, sv)
				);
				send(shared, conn.ws, encoding.toUint8Array(encoder));
				return;
			}
			ensureApplied(shared);
			if (sub !== syncProtocol.messageYjsSyncStep1) conn.received++;
			if (conn.access === 'write' || sub === syncProtocol.messageYjsSyncStep1) {
				// read-only connections get answers to sync requests; their updates are dropped
				syncProtocol.readSyncMessage(decoder, encoder, shared.doc, conn);
				if (encoding.length(encoder) > 1) send(shared, conn.ws, encoding.toUint8Array(encoder));
			}
			// Nothing unsaved anywhere in this document: what this connection sent is stored.
			if (!shared.persistent || (shared.pending.length === 0 && !shared.saving)) {
				ack(shared, conn, conn.received);
			}
		} else if (type === MESSAGE_AWARENESS) {
			applyClientAwareness(shared, conn, decoding.readVarUint8Array(decoder));
		}
	}

	async function setup(ws: WebSocket, docId: string, actor: Principal, access: Access) {
		ws.binaryType = 'arraybuffer';
		const pending: Uint8Array[] = [];
		const early = (m: ArrayBuffer) => pending.push(new Uint8Array(m));
		ws.on('message', early);
		let shared: SharedDoc;
		try {
			shared = await getDoc(docId);
			// unloaded between lookup and now (rare): load it again
			while (shared.destroyed) shared = await getDoc(docId);
		} catch (err) {
			log.error({ err, docId }, 'document load failed');
			ws.close(1011, 'load failed');
			return;
		}
		if (ws.readyState !== ws.OPEN) {
			maybeUnload(shared);
			return;
		}
		const conn: Conn = {
			ws,
			access,
			actor,
			clients: new Set(),
			clockShift: new Map(),
			greeted: false,
			received: 0,
			acked: 0
		};
		shared.conns.set(ws, conn);
		ws.off('message', early);
		ws.on('message', (m: ArrayBuffer) => {
			try {
				onMessage(shared, conn, new Uint8Array(m));
			} catch (err) {
				log.warn({ err, docId }, 'bad collab message');
				closeConn(shared, ws);
			}
		});
		let alive = true;
		const ping = setInterval(() => {
			if (!alive) {
				clearInterval(ping);
				return closeConn(shared, ws);
			}
			alive = false;
			try {
				ws.ping();
			} catch {
				clearInterval(ping);
				closeConn(shared, ws);
			}
		}, 30_000);
		ws.on('pong', () => (alive = true));
		ws.on('close', () => {
			clearInterval(ping);
			closeConn(shared, ws);
		});
		// Access, sync step 1, then current awareness.
		send(shared, ws, encodeAccess(access));
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_SYNC);
		if (shared.baseStateVector) {
			encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep1);
			encoding.writeVarUint8Array(enc, shared.baseStateVector);
		} else {
			syncProtocol.writeSyncStep1(enc, shared.doc);
		}
		send(shared, ws, encoding.toUint8Array(enc));
		const states = shared.awareness.getStates();
		if (states.size > 0) {
			const a = encoding.createEncoder();
			encoding.writeVarUint(a, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(
				a,
				awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])
			);
			send(shared, ws, encoding.toUint8Array(a));
		}
		for (const m of pending) onMessage(shared, conn, m);
	}

	/** Saves everything pending, retrying until `deadline` (ms since epoch). */
	async function flush(shared: SharedDoc, deadline: number) {
		while ((shared.pending.length > 0 || shared.saving) && Date.now() < deadline) {
			clearTimeout(shared.retryTimer);
			shared.retryTimer = undefined;
			await runSave(shared);
			if (shared.failures > 0) await new Promise((r) => setTimeout(r, 100));
		}
		return shared.pending.length === 0;
	}

	return {
		nodeId,
		matches: (url: string | undefined) => !!url && url.startsWith(COLLAB_PREFIX),
		/** Loaded documents and their unsaved updates (health, benches, tests). */
		stats() {
			const out: { docId: string; conns: number; pending: number; saving: boolean }[] = [];
			for (const { shared: s } of docs.values()) {
				if (s)
					out.push({
						docId: s.id,
						conns: s.conns.size,
						pending: s.pending.length,
						saving: !!s.saving
					});
			}
			return out;
		},
		/** The in-memory document when this node has it open (export and duplicate read it). */
		async openDoc(docId: string): Promise<Y.Doc | undefined> {
			const entry = docs.get(docId);
			if (!entry) return undefined;
			const s = await entry.promise.catch(() => undefined);
			if (!s || s.destroyed) return undefined;
			ensureApplied(s);
			return s.doc;
		},
		/**
		 * Closes this node's connections to a document (code 4001, not a permanent 44xx) so the
		 * clients reconnect and are authorised again, e.g. after a board was archived.
		 */
		reconnectDoc(docId: string) {
			const shared = docs.get(docId)?.shared;
			if (!shared) return;
			for (const ws of [...shared.conns.keys()]) {
				try {
					ws.close(4001, 'access changed');
				} catch {
					/* already closed */
				}
			}
		},
		/** Saves a document's pending edits now (tests; shutdown uses it for all). */
		async flushDoc(docId: string, timeoutMs = 5000): Promise<boolean> {
			const entry = docs.get(docId);
			if (!entry) return true;
			return flush(await entry.promise, Date.now() + timeoutMs);
		},
		async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
			if (closing) return writeUpgradeError(socket, 503, 'shutting_down');
			let docId: string;
			try {
				const url = new URL(req.url ?? '/', 'http://x');
				docId = decodeURIComponent(url.pathname.slice(COLLAB_PREFIX.length));
			} catch {
				// A malformed escape (/collab/%E0%A4%A) names no document.
				return writeUpgradeError(socket, 400, 'invalid_input');
			}
			if (!docId || docId.length > 200 || docId.includes('/')) {
				return writeUpgradeError(socket, 404, 'not_found');
			}
			const auth = await authenticateHeaders({
				cookie: req.headers.cookie,
				authorization: req.headers.authorization
			}).catch(() => null);
			if (!auth) return writeUpgradeError(socket, 401, 'unauthenticated');
			let access: Access | null | undefined;
			try {
				access = await opts.resolveAccess(auth.principal, docId);
			} catch (err) {
				log.error({ err, docId }, 'access check failed');
				return writeUpgradeError(socket, 500, 'internal');
			}
			if (access === undefined) return writeUpgradeError(socket, 404, 'not_found');
			if (access === null) return writeUpgradeError(socket, 403, 'forbidden');
			wss.handleUpgrade(req, socket, head, (ws) => {
				setup(ws, docId, auth.principal, access).catch((err: unknown) => {
					log.error({ err, docId }, 'collab connection setup failed');
					ws.close(1011, 'internal error');
				});
			});
		},
		/** Closes every connection, then saves what is unsaved (up to `timeoutMs`). */
		async close(timeoutMs = 8000) {
			closing = true;
			// tell the other nodes at once that this node's people are gone
			for (const { shared } of docs.values()) {
				if (!shared || shared.destroyed) continue;
				const mine = localClients(shared);
				for (const c of shared.conns.values()) c.clients.clear();
				awarenessProtocol.removeAwarenessStates(shared.awareness, mine, CLOSED);
			}
			for (const client of wss.clients) client.terminate();
			const deadline = Date.now() + timeoutMs;
			const all = await Promise.all(
				[...docs.values()].map((e) => e.promise.catch(() => undefined))
			);
			for (const shared of all) {
				if (!shared) continue;
				const saved = await flush(shared, deadline);
				if (!saved) {
					log.error(
						{ docId: shared.id, pending: shared.pending.length },
						'collab shutdown: edits could not be saved'
					);
				}
				if (shared.compacting) await shared.compacting;
				destroy(shared);
			}
			docs.clear();
			await presenceChain;
			await unsubscribe?.().catch(() => {});
			await unsubscribePresence?.().catch(() => {});
			await new Promise<void>((r) => wss.close(() => r()));
		}
	};
}

export type Collab = ReturnType<typeof createCollab>;

// The process's collab server once attached (the runtime sets it; boards reach open documents
// through it). Kept on globalThis: SvelteKit's bundle and the server entry share one.
const currentKey = Symbol.for('lotlive.collab.current');
type G = typeof globalThis & { [currentKey]?: Collab };

/** The process's collab server once attached (undefined in tools and tests without one). */
export function currentCollab(): Collab | undefined {
	return (globalThis as G)[currentKey];
}
export function setCurrentCollab(c: Collab | undefined): void {
	(globalThis as G)[currentKey] = c;
}
