import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { removeCartLine } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Removes one lot's line from the buyer org's cart; the cart comes back. */
export const DELETE: RequestHandler = api(async ({ locals, params }) =>
	json({ cart: await removeCartLine(requirePrincipal(locals), params.lotId) })
);
