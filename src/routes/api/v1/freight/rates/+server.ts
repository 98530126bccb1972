import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { listRates, upsertRate } from '$lib/server/orders';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals }) => {
	requirePrincipal(locals);
	return json({ rates: await listRates() });
});

/** Operator: add or replace one tier of a route. */
export const PUT: RequestHandler = api(async ({ locals, request }) =>
	json({ rate: await upsertRate(requirePrincipal(locals), await readJson(request)) })
);
