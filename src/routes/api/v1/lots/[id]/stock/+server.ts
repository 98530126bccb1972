import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { lotStock } from '$lib/server/stock';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** {lotId, onHand, locked, allocated, available, version} */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json(await lotStock(requirePrincipal(locals), params.id))
);
