import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { packOrder } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier marks an accepted order packed. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await packOrder(requirePrincipal(locals), params.id) })
);
