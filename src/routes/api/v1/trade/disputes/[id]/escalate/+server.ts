import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { disputeStep } from '$lib/server/trade/dispute-api';
import type { RequestHandler } from './$types';

/** Dispute step "escalate" (docs/TRADE.md "Disputes: the service"). */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({
		dispute: await disputeStep(requirePrincipal(locals), params.id, 'escalate', undefined)
	})
);
