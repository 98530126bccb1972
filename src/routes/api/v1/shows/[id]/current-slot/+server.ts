import { json } from '@sveltejs/kit';
import { setCurrentSlot } from '$lib/server/live/shows';
import { api, readJson, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = api(async ({ locals, params, request }) =>
	json({ show: await setCurrentSlot(requireActor(locals), params.id, await readJson(request)) })
);
