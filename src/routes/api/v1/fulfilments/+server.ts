import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { supplierQueue } from '$lib/server/orders';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The supplier's own fulfilments: ?status=open|all|pending|…|exceptions|closed&limit=. */
export const GET: RequestHandler = api(async ({ locals, url }) =>
	json({
		fulfilments: await supplierQueue(requirePrincipal(locals), Object.fromEntries(url.searchParams))
	})
);
