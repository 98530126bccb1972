import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { shipSample } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier ships the tagged pieces: {carrier, trackingNo, photos?}. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		sample: await shipSample(requirePrincipal(locals), params.id, await readJson(request))
	})
);
