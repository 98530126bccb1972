import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { placeOrder, showOrders } from '$lib/server/orders';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Every order of the show by fulfilment, with status and SLA (host team, operators). */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json(await showOrders(requirePrincipal(locals), params.id))
);

/** An order entered by the host team in the console: same body as POST /api/v1/orders. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const body = (await readJson(request)) as Record<string, unknown>;
	const r = await placeOrder(requirePrincipal(locals), { ...body, showId: params.id }, 'console');
	return json({ order: r.order, created: r.created }, { status: r.created ? 201 : 200 });
});
