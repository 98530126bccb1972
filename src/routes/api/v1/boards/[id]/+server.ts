import { json } from '@sveltejs/kit';
import { actorOf } from '$lib/server/boards/http';
import { getBoard, updateBoard } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	return json({ board: await getBoard(actorOf(locals), params.id) });
});

/** PATCH {name?, status?: 'active'|'archived'}: rename, archive, restore. */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) => {
	return json({ board: await updateBoard(actorOf(locals), params.id, await readJson(request)) });
});
