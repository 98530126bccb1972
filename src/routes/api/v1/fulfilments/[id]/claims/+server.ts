import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { claimDefects } from '$lib/server/orders';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * A consumer's severe-defect claim, filed by the host team: {severePieces, description, photos}.
 * 3+ severe pieces with photos → 201 with a replacement fulfilment due in 24 h.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(await claimDefects(requirePrincipal(locals), params.id, await readJson(request)), {
		status: 201
	})
);
