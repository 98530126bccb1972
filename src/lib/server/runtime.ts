import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dbHandle, closeDb } from './db';
import { migrateAndInit } from './db/migrate';
import { env } from './env';
import { logger } from './log';
import { createRealtime, type Realtime } from './realtime/io';
import { createCollab, currentCollab, setCurrentCollab, type Collab } from './collab/server';
import { seedDemoIfEmpty } from './seed/demo';
import { startPolicySync } from './platform/policy';
import { collabPersistence, installedModules, resolveCollabAccess } from './module';
import { installModules } from './modules';
import { startJobs } from './jobs';
import { hotApi } from './hot-api';
import { crossSiteSocket, csrfErrorBody, listeningOrigins } from './origin';
import { apiLocaleOf } from './http';
import { writeUpgradeError } from './realtime/upgrade';
import { guardUpgrade, installProcessGuards } from './guard';
import { stopRateLimits } from './ratelimit';

// Every module's subscriptions, jobs, socket handlers and collab documents: before anything runs.
installModules();

/**
 * Process lifecycle shared by the production entry (server/index.js) and the Vite dev plugin:
 * migrate + seed once, then attach socket.io and the Yjs endpoint to an http server.
 */
interface RuntimeState {
	ready?: Promise<void>;
	realtime?: Realtime;
	collab?: Collab;
	jobsStarted?: boolean;
	stoppers: (() => Promise<void> | void)[];
}

const key = Symbol.for('lotlive.runtime.state');
type G = typeof globalThis & { [key]?: RuntimeState };
function state(): RuntimeState {
	const g = globalThis as G;
	return (g[key] ??= { stoppers: [] });
}

export function ready(): Promise<void> {
	installProcessGuards();
	const s = state();
	s.ready ??= (async () => {
		const handle = dbHandle();
		const started = performance.now();
		await migrateAndInit(handle, async () => {
			if (env().SEED_DEMO) await seedDemoIfEmpty();
		});
		// The operator's policy, kept current on this node (NOTIFY + periodic re-read).
		onShutdown(await startPolicySync());
		logger().info(
			{ db: handle.kind, ms: Math.round(performance.now() - started) },
			'database ready'
		);
	})();
	s.ready.catch(() => (s.ready = undefined));
	return s.ready;
}

/** Registers something to stop on shutdown (jobs, listeners). */
export function onShutdown(fn: () => Promise<void> | void): void {
	state().stoppers.push(fn);
}

export function realtime(): Realtime | undefined {
	return state().realtime;
}

export function attach(server: HttpServer): {
	handleRequest: (req: IncomingMessage, res: ServerResponse) => boolean;
	/** The lean path for the hot API endpoints (see hot-api.ts); false: not handled. */
	handleApi: (req: IncomingMessage, res: ServerResponse) => false | Promise<boolean>;
} {
	const s = state();
	s.realtime ??= createRealtime({
		handlers: () => installedModules().flatMap((m) => m.socketHandlers ?? [])
	});
	if (!s.collab) {
		const e = env();
		s.collab = createCollab({
			resolveAccess: resolveCollabAccess,
			persistence: collabPersistence(),
			saveDebounceMs: e.COLLAB_SAVE_DEBOUNCE_MS,
			saveMaxWaitMs: e.COLLAB_SAVE_MAX_WAIT_MS
		});
		setCurrentCollab(s.collab);
	}
	const rt = s.realtime;
	const collab = s.collab;
	if (!s.jobsStarted && env().JOBS) {
		s.jobsStarted = true;
		onShutdown(startJobs(installedModules().flatMap((m) => m.jobs ?? [])));
	}
	installProcessGuards();
	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		if ((rt.matches(req.url) || collab.matches(req.url)) && fromOtherSite(req)) {
			return writeUpgradeError(socket, 403, 'csrf');
		}
		// A failure in either handler is logged and answered, never an unhandled rejection.
		if (rt.matches(req.url)) {
			guardUpgrade('socket.io', req.url, socket, () => rt.handleUpgrade(req, socket, head));
		} else if (collab.matches(req.url)) {
			guardUpgrade('collab', req.url, socket, () => collab.handleUpgrade(req, socket, head));
		}
		// anything else (Vite's HMR socket in dev) is left to its own listener
	});
	return {
		/** Returns true when the request was taken (socket.io polling). */
		handleRequest(req, res) {
			if (!rt.matches(req.url)) return false;
			if (fromOtherSite(req)) {
				res.writeHead(403, { 'content-type': 'application/json' });
				const locale = apiLocaleOf(undefined, req.headers['accept-language']);
				res.end(JSON.stringify(csrfErrorBody(locale, req.headers.origin ?? null)));
				return true;
			}
			rt.handleRequest(req, res).catch((err: unknown) => {
				logger().error({ err, url: req.url?.slice(0, 300) }, 'socket.io request failed');
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal error.' } }));
				} else res.destroy();
			});
			return true;
		},
		handleApi: hotApi
	};
}

/** A socket.io or /collab request from another site's page with this site's cookies (see origin.ts). */
function fromOtherSite(req: IncomingMessage): boolean {
	const header = (name: string) => {
		const v = req.headers[name.toLowerCase()];
		return Array.isArray(v) ? v.join(', ') : v;
	};
	return crossSiteSocket(
		header,
		(req.socket as { encrypted?: boolean }).encrypted ? 'https:' : 'http:'
	);
}

export async function shutdown(): Promise<void> {
	const s = state();
	await stopRateLimits();
	for (const stop of s.stoppers.splice(0).reverse()) {
		try {
			await stop();
		} catch (err) {
			logger().warn({ err }, 'shutdown step failed');
		}
	}
	await s.collab?.close();
	await s.realtime?.close();
	if (currentCollab() === s.collab) setCurrentCollab(undefined);
	s.collab = undefined;
	s.realtime = undefined;
	s.jobsStarted = false;
	s.ready = undefined;
	await closeDb();
}

// The production entry reaches the runtime through this global after importing the
// SvelteKit handler, so both share one module instance (one pool, one PGlite).
(globalThis as Record<symbol, unknown>)[Symbol.for('lotlive.runtime')] = {
	ready,
	attach,
	shutdown,
	listeningOrigins
};
