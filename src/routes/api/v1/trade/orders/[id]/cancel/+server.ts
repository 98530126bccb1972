import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { cancelUnpaid } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer cancels an unpaid order; its stock goes back at once. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await cancelUnpaid(requirePrincipal(locals), params.id) })
);
