import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import { createPayout, listPayouts } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** Payouts: every party's for the operator (?orgId= narrows), the caller's own otherwise. */
export const GET: RequestHandler = api(async ({ locals, url }) =>
	json({
		payouts: await listPayouts(requirePrincipal(locals), {
			orgId: url.searchParams.get('orgId') ?? undefined
		})
	})
);

/** {orgId, amountFen?} → 201 the pending payout (operators only). */
export const POST: RequestHandler = api(async ({ locals, request }) =>
	json(await createPayout(requirePrincipal(locals), await readJson(request)), { status: 201 })
);
