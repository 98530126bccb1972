import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { transitionFulfilment } from '$lib/server/orders';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * {action: accept|pack|ship|deliver|return|cancel|out_of_stock|address_problem|address_fixed,
 * carrier?, trackingNo?, note?, shipTo?}. Illegal moves → 422 illegal_transition.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		fulfilment: await transitionFulfilment(
			requirePrincipal(locals),
			params.id,
			await readJson(request)
		)
	})
);
