import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { transitionShow } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** {status: 'live' | 'ended' | 'cancelled'}; ending releases every remaining lock. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({ show: await transitionShow(requirePrincipal(locals), params.id, await readJson(request)) })
);
