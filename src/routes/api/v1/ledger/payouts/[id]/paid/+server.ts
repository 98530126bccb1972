import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import { markPayoutPaid } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** {reference} → the payout marked paid; posts payable → cash (operators only). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(await markPayoutPaid(requirePrincipal(locals), params.id, await readJson(request)))
);
