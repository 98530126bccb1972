import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { authenticateHeaders } from '../auth/request';
import type { Actor } from '../auth/service';
import { logger } from '../log';
import { writeUpgradeError } from '../realtime/upgrade';

export const COLLAB_PREFIX = '/collab/';
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

export type Access = 'write' | 'read';

/**
 * Decides who may open a document. Modules that own documents (boards) register one;
 * `undefined` means the document does not exist (404), `null` means refused (403).
 */
export type AccessResolver = (actor: Actor, docId: string) => Promise<Access | null | undefined>;

/** Where documents live between processes; the board module provides the Postgres one. */
export interface CollabPersistence {
	/** Loads the stored state (merged update), or null for a new document. */
	load(docId: string): Promise<Uint8Array | null>;
}

interface Conn {
	ws: WebSocket;
	access: Access;
	actor: Actor;
	/** Awareness client ids this connection controls, removed when it closes. */
	clients: Set<number>;
}

export class SharedDoc {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly conns = new Map<WebSocket, Conn>();
	constructor(readonly id: string) {
		this.awareness.setLocalState(null);
	}
}

export interface CollabOptions {
	resolveAccess: AccessResolver;
	persistence?: CollabPersistence;
	/** Save debounce and the longest an unsaved edit may wait. */
	saveDebounceMs?: number;
	saveMaxWaitMs?: number;
}

/**
 * The y-websocket protocol (sync + awareness) at /collab/<docId> on the app's own port.
 * Upgrades are authenticated with the session cookie or a Bearer token and authorised per
 * document before any websocket exists. Read-only connections receive updates but their
 * document updates are ignored.
 */
export function createCollab(opts: CollabOptions) {
	const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
	const docs = new Map<string, Promise<SharedDoc>>();
	const log = logger().child({ mod: 'collab' });

	function broadcast(shared: SharedDoc, message: Uint8Array, except?: WebSocket) {
		for (const ws of shared.conns.keys()) if (ws !== except) send(shared, ws, message);
	}

	function send(shared: SharedDoc, ws: WebSocket, message: Uint8Array) {
		if (ws.readyState !== ws.OPEN) return closeConn(shared, ws);
		ws.send(message, (err) => {
			if (err) closeConn(shared, ws);
		});
	}

	function getDoc(docId: string): Promise<SharedDoc> {
		let p = docs.get(docId);
		if (!p) {
			// One load promise shared by every connection that arrives while loading.
			p = (async () => {
				const shared = new SharedDoc(docId);
				const stored = await opts.persistence?.load(docId);
				if (stored) Y.applyUpdate(shared.doc, stored, 'load');
				shared.doc.on('update', (update: Uint8Array, origin: unknown) => {
					const enc = encoding.createEncoder();
					encoding.writeVarUint(enc, MESSAGE_SYNC);
					syncProtocol.writeUpdate(enc, update);
					const msg = encoding.toUint8Array(enc);
					broadcast(
						shared,
						msg,
						origin instanceof Object && 'ws' in origin ? (origin as Conn).ws : undefined
					);
				});
				shared.awareness.on(
					'update',
					(
						{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
						origin: unknown
					) => {
						const changed = added.concat(updated, removed);
						const conn = origin as Conn | null;
						if (conn && conn.clients) {
							for (const id of added) conn.clients.add(id);
							for (const id of removed) conn.clients.delete(id);
						}
						const enc = encoding.createEncoder();
						encoding.writeVarUint(enc, MESSAGE_AWARENESS);
						encoding.writeVarUint8Array(
							enc,
							awarenessProtocol.encodeAwarenessUpdate(shared.awareness, changed)
						);
						broadcast(shared, encoding.toUint8Array(enc));
					}
				);
				return shared;
			})();
			docs.set(docId, p);
			p.catch(() => docs.delete(docId));
		}
		return p;
	}

	function closeConn(shared: SharedDoc, ws: WebSocket) {
		const conn = shared.conns.get(ws);
		if (conn) {
			shared.conns.delete(ws);
			awarenessProtocol.removeAwarenessStates(shared.awareness, [...conn.clients], null);
		}
		try {
			ws.close();
		} catch {
			/* already closed */
		}
	}

	function onMessage(shared: SharedDoc, conn: Conn, data: Uint8Array) {
		const decoder = decoding.createDecoder(data);
		const encoder = encoding.createEncoder();
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			const sub = decoding.peekVarUint(decoder);
			if (conn.access === 'read' && sub !== syncProtocol.messageYjsSyncStep1) {
				return; // read-only: answer sync requests, drop updates
			}
			syncProtocol.readSyncMessage(decoder, encoder, shared.doc, conn);
			if (encoding.length(encoder) > 1) send(shared, conn.ws, encoding.toUint8Array(encoder));
		} else if (type === MESSAGE_AWARENESS) {
			awarenessProtocol.applyAwarenessUpdate(
				shared.awareness,
				decoding.readVarUint8Array(decoder),
				conn
			);
		}
	}

	async function setup(ws: WebSocket, docId: string, actor: Actor, access: Access) {
		ws.binaryType = 'arraybuffer';
		const pending: Uint8Array[] = [];
		const early = (m: ArrayBuffer) => pending.push(new Uint8Array(m));
		ws.on('message', early);
		let shared: SharedDoc;
		try {
			shared = await getDoc(docId);
		} catch (err) {
			log.error({ err, docId }, 'document load failed');
			ws.close(1011, 'load failed');
			return;
		}
		const conn: Conn = { ws, access, actor, clients: new Set() };
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
		// Sync step 1, then current awareness.
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(enc, shared.doc);
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

	return {
		docs,
		matches: (url: string | undefined) => !!url && url.startsWith(COLLAB_PREFIX),
		async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
			const url = new URL(req.url ?? '/', 'http://x');
			const docId = decodeURIComponent(url.pathname.slice(COLLAB_PREFIX.length));
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
				access = await opts.resolveAccess(auth.actor, docId);
			} catch (err) {
				log.error({ err, docId }, 'access check failed');
				return writeUpgradeError(socket, 500, 'internal');
			}
			if (access === undefined) return writeUpgradeError(socket, 404, 'not_found');
			if (access === null) return writeUpgradeError(socket, 403, 'forbidden');
			wss.handleUpgrade(req, socket, head, (ws) => {
				void setup(ws, docId, auth.actor, access);
			});
		},
		async close() {
			for (const client of wss.clients) client.terminate();
			await new Promise<void>((r) => wss.close(() => r()));
		}
	};
}

export type Collab = ReturnType<typeof createCollab>;
