import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { buyerStatement } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/**
 * A buyer organisation's statement (its own people, or operators): escrow payments, refunds,
 * invoices on terms, repayments, write-offs and the balance owed; ?month= or ?from=&to=.
 */
export const GET: RequestHandler = api(async ({ locals, params, url }) =>
	json(
		await buyerStatement(
			requirePrincipal(locals),
			params.buyerOrgId,
			Object.fromEntries(url.searchParams)
		)
	)
);
