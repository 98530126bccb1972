import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { refundLine } from '$lib/server/orders';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * A partial refund of one line (host team): {lineId, amountFen, reason?: partial|defect, refId}.
 * The commission shrinks in proportion; after settlement the difference is clawed back.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(
		{ fulfilment: await refundLine(requirePrincipal(locals), params.id, await readJson(request)) },
		{ status: 201 }
	)
);
