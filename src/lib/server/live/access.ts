import { eq } from 'drizzle-orm';
import { hostTeamOf, principalIds, type Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import { shows } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import { isUuid } from '../ids';

export type ShowAccess = 'write' | 'read';

/** Who did it, for the rows a lock or a fulfilment writes (auth/principal.ts). */
export const actorIds = principalIds;

// A show's team never changes, so it can be remembered for the life of the process; the hot
// lock path then authorises without a query.
const teamCache = new Map<string, string>();
/**
 * Lookups under way, shared: when a flash sale opens, hundreds of requests for a show the
 * process has not seen yet arrive at once, and one query answers them all.
 */
const teamLookups = new Map<string, Promise<string | undefined>>();

async function showTeam(showId: string, tx: DbOrTx): Promise<string | undefined> {
	const cached = teamCache.get(showId);
	if (cached) return cached;
	// Inside a caller's transaction the show may be its own uncommitted row: read it there.
	if (tx !== db()) return readShowTeam(showId, tx);
	let lookup = teamLookups.get(showId);
	if (!lookup) {
		lookup = readShowTeam(showId, tx).finally(() => teamLookups.delete(showId));
		teamLookups.set(showId, lookup);
	}
	return lookup;
}

async function readShowTeam(showId: string, tx: DbOrTx): Promise<string | undefined> {
	const [row] = await tx
		.select({ teamId: shows.teamId })
		.from(shows)
		.where(eq(shows.id, showId))
		.limit(1);
	if (row) {
		if (teamCache.size > 50_000) teamCache.clear();
		teamCache.set(showId, row.teamId);
	}
	return row?.teamId;
}

/**
 * Who may do what with a show: the host and assistants of its team (or the team's API token)
 * write; an operator reads; everyone else is refused (403), and an unknown show is 404.
 */
export async function authorizeShow(
	actor: Principal,
	showId: string,
	need: ShowAccess,
	tx: DbOrTx = db()
): Promise<{ teamId: string }> {
	if (!isUuid(showId)) throw notFound('Show', 'showId');
	const teamId = await showTeam(showId, tx);
	if (!teamId) throw notFound('Show', 'showId');
	const a = hostTeamOf(actor);
	if (a.orgId === teamId && a.mayWrite) return { teamId };
	if (need === 'read' && (a.isOperator || a.orgId === teamId)) return { teamId };
	throw forbidden('err.show_team_only');
}

export function requireTeamWriter(actor: Principal): string {
	const a = hostTeamOf(actor);
	if (!a.mayWrite || !a.orgId) {
		throw new AppError('forbidden', 'forbidden', 'err.host_team_only');
	}
	return a.orgId;
}
