import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { createShow, createShowFromBoard, listShows } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals }) =>
	json({ shows: await listShows(requirePrincipal(locals)) })
);

/**
 * {title, scheduledAt?, slots:[{lotId, livePriceFen?, plannedLockQty?}]} → 201 {id}, or
 * {boardId, title?} to take the line-up from a run-of-show board.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const body = await readJson(request);
	const actor = requirePrincipal(locals);
	const fromBoard =
		typeof body === 'object' && body !== null && 'boardId' in body && !('slots' in body);
	const created = fromBoard
		? await createShowFromBoard(actor, body)
		: await createShow(actor, body);
	return json(created, { status: 201 });
});
