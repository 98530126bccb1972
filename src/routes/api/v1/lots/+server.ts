import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { createLot, facetCounts, searchLots } from '$lib/server/catalog';
import { parseLotFilter } from '$lib/server/catalog/search';
import { searchParamsObject } from '$lib/server/catalog/schemas';
import { forbidden } from '$lib/server/errors';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * GET: catalog lots matching the filter (query parameters as in the OpenAPI document), one page
 * with `nextCursor`; `facets=1` adds facet counts; `mine=1` lists the caller's own lots (suppliers).
 */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const actor = requirePrincipal(locals);
	const { mine, facets, ...params } = searchParamsObject(url.searchParams);
	const filter = parseLotFilter(params);
	const own = mine === '1' || mine === 'true';
	if (own && !actor.orgId) throw forbidden('lot.err.supplier_only');
	const scope = own
		? ({ kind: 'supplier', orgId: actor.orgId! } as const)
		: ({ kind: 'catalog' } as const);
	const [page, counts] = await Promise.all([
		searchLots(filter, { scope, actor }),
		facets === '1' || facets === 'true' ? facetCounts(filter, { scope, actor }) : undefined
	]);
	return json({ ...page, ...(counts ? { facets: counts } : {}) });
});

/** POST: a new lot for the calling supplier (session or the supplier organisation's API token). */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const lot = await createLot(requirePrincipal(locals), await readJson(request));
	return json(lot, { status: 201, headers: { location: `/api/v1/lots/${lot.id}` } });
});
