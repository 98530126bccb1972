import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { cancelPayout } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** Withdraws a pending payout (operators only). */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json(await cancelPayout(requirePrincipal(locals), params.id))
);
