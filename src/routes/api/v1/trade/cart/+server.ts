import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { cartView, removeCartLine, setCartLine } from '$lib/server/trade';
import { cartQuery } from '$lib/server/trade/api';
import { AppError } from '$lib/server/errors';
import type { RequestHandler } from './$types';

/** The buyer org's cart, priced, with every problem and freight per supplier: ?destProvince=. */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const { destProvince } = cartQuery(url);
	return json({
		cart: await cartView(requirePrincipal(locals), destProvince ? { destProvince } : {})
	});
});

/** Adds or replaces one line: {lotId, quantity, packaging?}. The whole cart comes back. */
export const PUT: RequestHandler = api(async ({ locals, request }) =>
	json({ cart: await setCartLine(requirePrincipal(locals), await readJson(request)) })
);

/** Removes the line of ?lotId= (same as DELETE /cart/lines/{lotId}). */
export const DELETE: RequestHandler = api(async ({ locals, url }) => {
	const { lotId } = cartQuery(url);
	if (!lotId) throw new AppError('invalid', 'invalid_input', 'v.required', { field: 'lotId' });
	return json({ cart: await removeCartLine(requirePrincipal(locals), lotId) });
});
