import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { shipOrder } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier ships: {parcels:[{carrier, trackingNo, cartons}]} (one or many parcels). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({ order: await shipOrder(requirePrincipal(locals), params.id, await readJson(request)) })
);
