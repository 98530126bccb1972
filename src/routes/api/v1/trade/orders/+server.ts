import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { checkout, listOrders } from '$lib/server/trade';
import { idempotencyKeyOf, orderListQuery } from '$lib/server/trade/api';
import type { RequestHandler } from './$types';

/** The caller's trade orders, newest first: ?state=<state>|open|closed&before=<ISO>&limit=. */
export const GET: RequestHandler = api(async ({ locals, url }) =>
	json({ orders: await listOrders(requirePrincipal(locals), orderListQuery(url)) })
);

/**
 * Checkout (buyers): {lines?, shipTo, provider} with a required Idempotency-Key header. 201 with
 * the new orders; 200 with the same orders when the key was seen before; 409 for the same key
 * with another request.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const p = requirePrincipal(locals);
	const key = idempotencyKeyOf(request.headers);
	const r = await checkout(p, await readJson(request), key);
	return json(r, { status: r.replayed ? 200 : 201 });
});
