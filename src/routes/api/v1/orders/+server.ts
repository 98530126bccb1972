import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { orderPostReply } from '$lib/server/hot-api';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * A consumer order from a show (the live platform's webhook, with the host team's API token):
 * {externalId, showId, lines:[{lotId, quantity, unitPrice (fen)}], shipTo, paidAt}.
 * 201 {order} when new; 200 {order} for a repeated externalId (the same order, never a second);
 * 409 insufficient_stock when a line is beyond the show's locks (nothing is written).
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const r = await orderPostReply(requirePrincipal(locals), await readJson(request));
	return json(r.body, { status: r.status });
});
