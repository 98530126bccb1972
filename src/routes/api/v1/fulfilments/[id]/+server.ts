import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { getFulfilment } from '$lib/server/orders';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** A fulfilment for its supplier, its host team or an operator (404 for anyone else). */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ fulfilment: await getFulfilment(requirePrincipal(locals), params.id) })
);
