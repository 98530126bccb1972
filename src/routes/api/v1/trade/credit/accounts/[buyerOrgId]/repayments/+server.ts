import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { recordRepayment } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: record a bank transfer repayment (allocated oldest invoice first). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(
		await recordRepayment(requirePrincipal(locals), params.buyerOrgId, await readJson(request)),
		{ status: 201 }
	)
);
