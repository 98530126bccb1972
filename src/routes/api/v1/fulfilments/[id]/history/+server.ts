import { json } from '@sveltejs/kit';
import { fulfilmentHistory } from '$lib/server/orders';
import { api, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ events: await fulfilmentHistory(requireActor(locals), params.id) })
);
