import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { statement } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** A host team's or supplier's statement: ?month=YYYY-MM or ?from=YYYY-MM-DD&to=YYYY-MM-DD. */
export const GET: RequestHandler = api(async ({ locals, params, url }) =>
	json(
		await statement(requirePrincipal(locals), params.orgId, Object.fromEntries(url.searchParams))
	)
);
