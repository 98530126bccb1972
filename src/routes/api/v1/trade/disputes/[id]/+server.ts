import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { disputeView } from '$lib/server/trade/dispute-api';
import { disputeMoney } from '$lib/server/trade/dispute-admin';
import type { RequestHandler } from './$types';

/**
 * One dispute with its manifest, evidence and the ledger effect on its order's escrow (`money`:
 * every posting, paid in / held / released / fee / refunded); parties and operators only, 404
 * otherwise.
 */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const p = requirePrincipal(locals);
	const v = await disputeView(p, params.id);
	return json({
		dispute: v.dispute,
		lines: v.lines,
		evidence: v.evidence,
		side: v.side,
		orderNumber: v.order.number,
		money: await disputeMoney(p, params.id)
	});
});
