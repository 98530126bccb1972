import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { confirmSamplePayment } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** An operator confirms the sample fee's payment (bank transfer): into escrow. */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({
		sample: await confirmSamplePayment(requirePrincipal(locals), params.id)
	})
);
