import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { applyForCredit, myCredit } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer's own credit account: limit, used, available, invoices (null before applying). */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ credit: await myCredit(requirePrincipal(locals)) })
);

/** The buyer organisation applies for credit terms. */
export const POST: RequestHandler = api(async ({ locals, request }) =>
	json(
		{ account: await applyForCredit(requirePrincipal(locals), await readJson(request)) },
		{ status: 201 }
	)
);
