import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { setCurrentSlot } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = api(async ({ locals, params, request }) =>
	json({ show: await setCurrentSlot(requirePrincipal(locals), params.id, await readJson(request)) })
);
