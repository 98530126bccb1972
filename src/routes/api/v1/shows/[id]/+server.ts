import { json } from '@sveltejs/kit';
import { getShow } from '$lib/server/live/shows';
import { api, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json(await getShow(requireActor(locals), params.id))
);
