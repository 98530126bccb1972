import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { getLot, updateLot } from '$lib/server/catalog';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** GET: one lot with media; 404 when it is not in the catalog and not the caller's. */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json(await getLot(requirePrincipal(locals), params.id))
);

/** PATCH: change some fields of the caller's own lot (403 for another supplier's lot). */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) =>
	json(await updateLot(requirePrincipal(locals), params.id, await readJson(request)))
);
