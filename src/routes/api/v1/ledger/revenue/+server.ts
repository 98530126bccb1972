import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { platformRevenue } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** Platform fee revenue, escrow and payables: operators only (403 otherwise). */
export const GET: RequestHandler = api(async ({ locals }) =>
	json(await platformRevenue(requirePrincipal(locals)))
);
