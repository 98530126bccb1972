import { json } from '@sveltejs/kit';
import { listRates, upsertRate } from '$lib/server/orders';
import { api, readJson, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals }) => {
	requireActor(locals);
	return json({ rates: await listRates() });
});

/** Operator: add or replace one tier of a route. */
export const PUT: RequestHandler = api(async ({ locals, request }) =>
	json({ rate: await upsertRate(requireActor(locals), await readJson(request)) })
);
