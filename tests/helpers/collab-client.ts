import WS from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import {
	installAccessHandler,
	installSavedHandler,
	isSaved,
	withSaveTracking
} from '../../src/lib/collab/protocol';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session';

/**
 * A y-websocket client in Node, like the browser's (WebsocketProvider + the saved ack), that
 * authenticates with a session token (cookie) or an API token (Bearer) in the upgrade headers.
 */
export function collabClient(
	baseUrl: string,
	docId: string,
	token: string,
	opts: { doc?: Y.Doc; connect?: boolean } = {}
) {
	const headers = token.startsWith('llt_')
		? { Authorization: `Bearer ${token}` }
		: { Cookie: `${SESSION_COOKIE}=${token}` };
	const Tracked = withSaveTracking(WS);
	class AuthedSocket extends Tracked {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	}
	const doc = opts.doc ?? new Y.Doc();
	const wsUrl = baseUrl.replace(/^http/, 'ws') + '/collab';
	const provider = new WebsocketProvider(wsUrl, docId, doc, {
		WebSocketPolyfill: AuthedSocket as unknown as typeof WebSocket,
		disableBc: true,
		connect: opts.connect ?? true,
		maxBackoffTime: 500
	});
	const waiters = new Set<() => void>();
	const poke = () => {
		for (const w of [...waiters]) w();
	};
	let access: 'read' | 'write' | null = null;
	installSavedHandler(provider, poke);
	installAccessHandler(provider, (a) => {
		access = a;
		poke();
	});
	provider.on('sync', poke);
	provider.on('status', poke);
	doc.on('update', poke);

	/** Resolves when `cond()` holds, re-checked on every event of this client. */
	function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
		if (cond()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const check = () => {
				if (!cond()) return;
				cleanup();
				resolve();
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`timed out waiting for ${what}`));
			}, timeoutMs);
			const interval = setInterval(check, 50); // the provider flips `synced` without an event sometimes
			const cleanup = () => {
				clearTimeout(timer);
				clearInterval(interval);
				waiters.delete(check);
			};
			waiters.add(check);
		});
	}

	return {
		doc,
		provider,
		until,
		synced: (timeoutMs?: number) => until(() => provider.synced, timeoutMs, 'synced'),
		saved: (timeoutMs?: number) => until(() => isSaved(provider), timeoutMs, 'saved'),
		isSaved: () => isSaved(provider),
		/** What the server said this connection may do. */
		access: () => access,
		close() {
			provider.destroy();
			doc.destroy();
		}
	};
}

export type CollabClient = ReturnType<typeof collabClient>;

/** Resolves with the HTTP status of a refused websocket upgrade, or 101 when it opened. */
export function upgradeOutcome(baseUrl: string, docId: string, token?: string): Promise<number> {
	const headers = token ? { Cookie: `${SESSION_COOKIE}=${token}` } : {};
	const ws = new WS(baseUrl.replace(/^http/, 'ws') + '/collab/' + docId, { headers });
	return new Promise((resolve) => {
		ws.on('open', () => {
			ws.close();
			resolve(101);
		});
		ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
		ws.on('error', () => resolve(0));
	});
}
