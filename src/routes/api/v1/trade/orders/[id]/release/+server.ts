import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { acceptAndRelease } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer accepts the goods: escrow releases to the supplier less the wholesale fee. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await acceptAndRelease(requirePrincipal(locals), params.id) })
);
