/**
 * The y-websocket protocol (sync = 0, awareness = 1) plus one message of our own, shared by the
 * server (collab/server.ts), the browser (board-session.svelte.ts) and the bench.
 *
 * "Saved" acknowledgement — why it exists: y-websocket's `synced` only means "the server has
 * answered my sync request"; the server may still hold my edits in memory only. The board UI's
 * 已保存 badge must mean "everything I typed is committed in Postgres", so a restart cannot
 * lose anything a person saw as saved. We count, per websocket connection and on both ends,
 * the messages that carry document content (sync step 2 and update). After the save that
 * contains a connection's edits commits, the server sends `[MESSAGE_SAVED, n]`: "the first n
 * content messages you sent on this connection are persisted". The client shows saved only
 * while it is connected, synced, and n equals the number it sent. Counting messages (instead of
 * comparing state vectors) also covers deletions, which a state vector does not show.
 * A reconnect starts both counters from zero; edits that were never acknowledged are still in
 * the local document (and IndexedDB) and travel again in the next sync step 2.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
/** Server → client: varuint n = content messages from this connection now persisted. */
export const MESSAGE_SAVED = 100;
/**
 * Server → client, first message on a connection: varstring 'write' | 'read'. A read-only
 * connection's edits are dropped by the server, so the client must stop editing and must not
 * call anything saved (a board archived while someone edits it reconnects them read-only).
 */
export const MESSAGE_ACCESS = 101;

const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

function bytesOf(data: unknown): Uint8Array | null {
	if (data instanceof Uint8Array) return data;
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	if (ArrayBuffer.isView(data))
		return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	return null;
}

/** True for a sync message that carries document content (step 2 or update). */
export function carriesDocContent(data: unknown): boolean {
	const bytes = bytesOf(data);
	if (!bytes || bytes.length < 2) return false;
	try {
		const d = decoding.createDecoder(bytes);
		if (decoding.readVarUint(d) !== MESSAGE_SYNC) return false;
		const sub = decoding.readVarUint(d);
		return sub === SYNC_STEP2 || sub === SYNC_UPDATE;
	} catch {
		return false;
	}
}

export function encodeSaved(n: number): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE_SAVED);
	encoding.writeVarUint(enc, n);
	return encoding.toUint8Array(enc);
}

export function encodeAccess(access: 'read' | 'write'): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE_ACCESS);
	encoding.writeVarString(enc, access);
	return encoding.toUint8Array(enc);
}

/** A websocket that counts the content messages it sends and the server's saved acks. */
export interface SaveTracking {
	sentContent: number;
	savedContent: number;
}

/**
 * Wraps a WebSocket class (the browser's, or `ws` in Node) so it counts outgoing content
 * messages. Pass the result as y-websocket's `WebSocketPolyfill`.
 */
// Mixin constructors must take `any[]` (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withSaveTracking<B extends new (...args: any[]) => { send(data: any): void }>(
	Base: B
) {
	return class extends Base implements SaveTracking {
		sentContent = 0;
		savedContent = 0;
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		override send(data: any, ...rest: any[]): void {
			if (carriesDocContent(data)) this.sentContent++;
			(super.send as (...a: unknown[]) => void)(data, ...rest);
		}
	};
}

interface ProviderLike {
	ws: unknown;
	wsconnected: boolean;
	synced: boolean;
	messageHandlers: ((
		encoder: encoding.Encoder,
		decoder: decoding.Decoder,
		provider: never,
		emitSynced: boolean,
		messageType: number
	) => void)[];
}

/** Teaches a WebsocketProvider the saved message; `onSaved` runs after each one. */
export function installSavedHandler(provider: ProviderLike, onSaved: () => void): void {
	provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
		const n = decoding.readVarUint(decoder);
		const ws = provider.ws as Partial<SaveTracking> | null;
		if (ws && typeof ws.savedContent === 'number') ws.savedContent = Math.max(ws.savedContent, n);
		onSaved();
	};
}

/** Teaches a WebsocketProvider the access message. */
export function installAccessHandler(
	provider: ProviderLike,
	onAccess: (access: 'read' | 'write') => void
): void {
	provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
		onAccess(decoding.readVarString(decoder) === 'write' ? 'write' : 'read');
	};
}

/** Connected, synced, and every content message sent on this connection is persisted. */
export function isSaved(provider: ProviderLike): boolean {
	const ws = provider.ws as Partial<SaveTracking> | null;
	return (
		!!ws &&
		provider.wsconnected &&
		provider.synced &&
		typeof ws.sentContent === 'number' &&
		(ws.savedContent ?? 0) >= ws.sentContent
	);
}
