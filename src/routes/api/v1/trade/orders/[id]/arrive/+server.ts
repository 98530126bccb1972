import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { confirmArrival } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer confirms arrival: the inspection window starts. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await confirmArrival(requirePrincipal(locals), params.id) })
);
