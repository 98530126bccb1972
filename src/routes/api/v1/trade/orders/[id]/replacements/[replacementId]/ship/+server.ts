import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { getOrder, shipReplacement } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier ships a replacement due on the order: {parcels:[{carrier, trackingNo, cartons?}]}. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const p = requirePrincipal(locals);
	await shipReplacement(p, params.id, params.replacementId, await readJson(request));
	return json({ order: await getOrder(p, params.id) });
});
