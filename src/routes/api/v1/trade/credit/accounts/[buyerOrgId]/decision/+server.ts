import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { decideCredit } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: approve (limit, term; also a change), decline or suspend, with a reason. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		account: await decideCredit(
			requirePrincipal(locals),
			params.buyerOrgId,
			await readJson(request)
		)
	})
);
