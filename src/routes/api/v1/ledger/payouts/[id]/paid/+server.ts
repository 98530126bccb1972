import { json } from '@sveltejs/kit';
import { api, readJson, requireActor } from '$lib/server/http';
import { markPayoutPaid } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** {reference} → the payout marked paid; posts payable → cash (operators only). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(await markPayoutPaid(requireActor(locals), params.id, await readJson(request)))
);
