import type { AccessResolver, Collab, CollabPersistence } from './server';

/**
 * Registries that document-owning modules fill on import (boards registers its access check and
 * its Postgres persistence). Kept apart from runtime.ts so a module can register without
 * importing the runtime (which imports those modules): no import cycle.
 */
const key = Symbol.for('lotlive.collab.registry');
interface Registry {
	resolvers: AccessResolver[];
	persistence?: CollabPersistence;
	current?: Collab;
}
type G = typeof globalThis & { [key]?: Registry };
function registry(): Registry {
	const g = globalThis as G;
	return (g[key] ??= { resolvers: [] });
}

export function registerCollabAccess(r: AccessResolver): void {
	registry().resolvers.push(r);
}

/** Resolves access with the registered resolvers; the first definite answer wins. */
export const resolveCollabAccess: AccessResolver = async (actor, docId) => {
	for (const r of registry().resolvers) {
		const a = await r(actor, docId);
		if (a !== undefined) return a;
	}
	return undefined;
};

export function registerCollabPersistence(p: CollabPersistence): void {
	registry().persistence = p;
}
export function collabPersistence(): CollabPersistence | undefined {
	return registry().persistence;
}

/** The process's collab server once attached (undefined in tools and tests without one). */
export function currentCollab(): Collab | undefined {
	return registry().current;
}
export function setCurrentCollab(c: Collab | undefined): void {
	registry().current = c;
}
