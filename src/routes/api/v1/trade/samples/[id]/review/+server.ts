import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { reviewSample } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer approves {decision:'approve', photos?} or rejects {decision:'reject', reason, photos?}. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		sample: await reviewSample(requirePrincipal(locals), params.id, await readJson(request))
	})
);
