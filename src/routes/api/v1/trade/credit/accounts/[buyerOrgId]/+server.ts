import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { creditAccount } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: one buyer's account, invoices and history. */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ credit: await creditAccount(requirePrincipal(locals), params.buyerOrgId) })
);
