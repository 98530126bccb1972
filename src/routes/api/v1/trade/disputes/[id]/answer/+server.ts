import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { disputeStep } from '$lib/server/trade/dispute-api';
import type { RequestHandler } from './$types';

/** Dispute step "answer" (docs/TRADE.md "Disputes: the service"). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		dispute: await disputeStep(
			requirePrincipal(locals),
			params.id,
			'answer',
			await readJson(request)
		)
	})
);
