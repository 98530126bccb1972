import { json } from '@sveltejs/kit';
import { createShow, listShows } from '$lib/server/live/shows';
import { api, readJson, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals }) =>
	json({ shows: await listShows(requireActor(locals)) })
);

/** {title, scheduledAt?, slots:[{lotId, livePriceFen?, plannedLockQty?}]} → 201 {id} */
export const POST: RequestHandler = api(async ({ locals, request }) =>
	json(await createShow(requireActor(locals), await readJson(request)), { status: 201 })
);
