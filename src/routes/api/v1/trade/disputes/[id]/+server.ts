import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { disputeView } from '$lib/server/trade/dispute-api';
import type { RequestHandler } from './$types';

/** One dispute with its manifest and evidence (parties and operators only; 404 otherwise). */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const v = await disputeView(requirePrincipal(locals), params.id);
	return json({
		dispute: v.dispute,
		lines: v.lines,
		evidence: v.evidence,
		side: v.side,
		orderNumber: v.order.number
	});
});
