// One shape for every server module's wiring. Each module folder has one module.ts exporting a
// Module; ./modules.ts lists them, and that list is the only registry: the runtime starts the jobs,
// socket.io calls the socket handlers, /collab asks the collab access, the bus delivers the
// subscriptions, the catalog's stats job pulls the sale facts and /api/v1/openapi.json merges the
// OpenAPI parts. Nothing registers itself on import. See docs/ARCHITECTURE.md, "How to add a module".
import type { SQL } from 'drizzle-orm';
import type { AccessResolver, CollabPersistence } from './collab/server';
import { bus, type Subscription } from './events/bus';
import type { Job } from './jobs';
import type { OpenApiPart } from './openapi';
import type { SocketHandler } from './realtime/io';

/**
 * Sale facts a module keeps in its own tables (the orders module: the lines of dropship orders),
 * as a select of lot_sales' columns (lot_id, supplier_id, buyer_key, quantity, amount_fen,
 * channel, order_ref, sold_at) over the rows written by the transactions whose ids are in
 * [from, to). The catalog's stats job copies them into lot_sales, so an order batch writes no fact
 * rows inside its critical section: a flash sale's facts arrive in one statement a minute.
 */
export type SaleFactSource = (range: { from: number; to: number }) => SQL;

export type { OpenApiPart };

export interface Module {
	/** Unique; used in logs (a failing subscriber or job names its module). */
	readonly name: string;
	/** Server events this module reacts to (events/map.ts). */
	readonly subscriptions?: readonly Subscription[];
	/** Background jobs (server processes only; each must be safe on several nodes at once). */
	readonly jobs?: readonly Job[];
	/** socket.io connection handlers (the caller is authenticated: socket.data.actor). */
	readonly socketHandlers?: readonly SocketHandler[];
	/** The /collab/<docId> documents this module owns: who may open them, where they are kept. */
	readonly collab?: {
		readonly access: AccessResolver;
		readonly persistence?: () => CollabPersistence;
	};
	/** Sale facts for the catalog's sales-7d and repurchase figures. */
	readonly saleFacts?: readonly SaleFactSource[];
	/** This module's part of the OpenAPI document. */
	readonly openapi?: () => OpenApiPart;
}

const key = Symbol.for('lotlive.modules.installed');
type G = typeof globalThis & { [key]?: Module[] };

/**
 * Installs modules into the process: their subscriptions go to the bus, and the runtime, socket
 * and collab servers read the rest from installedModules(). A module installs once (by name).
 * The module list (./modules.ts) calls this; tests add their own probe modules with it.
 */
export function installModules(list: readonly Module[]): void {
	const g = globalThis as G;
	const installed = (g[key] ??= []);
	for (const m of list) {
		if (installed.some((i) => i.name === m.name)) continue;
		installed.push(m);
		bus().subscribe(m.name, m.subscriptions ?? []);
	}
	bus().markInstalled();
}

/** The installed modules, in installation order (empty before installModules). */
export function installedModules(): readonly Module[] {
	return (globalThis as G)[key] ?? [];
}

/** Collab access over the installed modules: the first definite answer wins. */
export const resolveCollabAccess: AccessResolver = async (actor, docId) => {
	for (const m of installedModules()) {
		if (!m.collab) continue;
		const a = await m.collab.access(actor, docId);
		if (a !== undefined) return a;
	}
	return undefined;
};

/** The store of collab documents (one module owns them: boards). */
export function collabPersistence(): CollabPersistence | undefined {
	const owners = installedModules().filter((m) => m.collab?.persistence);
	if (owners.length > 1) {
		throw new Error(`several modules keep collab documents: ${owners.map((m) => m.name)}`);
	}
	return owners[0]?.collab?.persistence?.();
}
