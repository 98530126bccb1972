import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { deliverSample } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer (or an operator) records that the samples arrived. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({
		sample: await deliverSample(requirePrincipal(locals), params.id)
	})
);
