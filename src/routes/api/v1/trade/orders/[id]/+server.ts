import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { getOrder } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** One trade order for its buyer, its supplier or an operator; 404 for anyone else. */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await getOrder(requirePrincipal(locals), params.id) })
);
