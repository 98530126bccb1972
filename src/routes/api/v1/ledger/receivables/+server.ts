import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { supplierReceivables } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** The caller's supplier receivables (an operator names one: ?supplierId=). */
export const GET: RequestHandler = api(async ({ locals, url }) =>
	json(
		await supplierReceivables(requirePrincipal(locals), {
			supplierId: url.searchParams.get('supplierId') ?? undefined
		})
	)
);
