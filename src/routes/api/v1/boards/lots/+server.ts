import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { lotSummaries, searchLotsForBoard } from '$lib/server/boards/lots';
import { SearchLotsInput } from '$lib/server/boards/schemas';
import { requireConsoleActor } from '$lib/server/boards/service';
import { parse } from '$lib/server/errors';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * Catalog lots for boards: `?ids=a,b` → summaries of those lots, `?q=…&limit=` → search.
 * Active lots of admitted suppliers only.
 */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	requireConsoleActor(requirePrincipal(locals));
	const ids = url.searchParams.get('ids');
	if (ids !== null) return json({ lots: await lotSummaries(ids.split(',').slice(0, 500)) });
	const { q, limit } = parse(SearchLotsInput, {
		q: url.searchParams.get('q') ?? '',
		limit: url.searchParams.get('limit') ?? undefined
	});
	return json({ lots: await searchLotsForBoard(q, limit) });
});
