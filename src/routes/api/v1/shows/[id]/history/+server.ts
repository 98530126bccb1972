import { json } from '@sveltejs/kit';
import { lockHistory } from '$lib/server/live/shows';
import { api, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ events: await lockHistory(requireActor(locals), params.id) })
);
