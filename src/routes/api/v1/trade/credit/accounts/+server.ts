import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { listCreditAccounts } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: every credit account with its limit / used / available. */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ accounts: await listCreditAccounts(requirePrincipal(locals)) })
);
