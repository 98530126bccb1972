import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { getSample } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** One sample request with its tags and sealed reference (its buyer, supplier or an operator). */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ sample: await getSample(requirePrincipal(locals), params.id) })
);
