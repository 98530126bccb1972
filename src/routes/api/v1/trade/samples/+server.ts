import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { listSamples, requestSample } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The caller's sample requests (buyer org's, supplier org's; operators: all), newest first. */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ samples: await listSamples(requirePrincipal(locals)) })
);

/** A buyer requests samples: {lotId, pieces, shipTo} → pending payment (201). */
export const POST: RequestHandler = api(async ({ locals, request }) =>
	json(
		{ sample: await requestSample(requirePrincipal(locals), await readJson(request)) },
		{ status: 201 }
	)
);
