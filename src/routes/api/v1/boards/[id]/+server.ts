import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { getBoard, updateBoard } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	return json({ board: await getBoard(requirePrincipal(locals), params.id) });
});

/** PATCH {name?, status?: 'active'|'archived'}: rename, archive, restore. */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) => {
	return json({
		board: await updateBoard(requirePrincipal(locals), params.id, await readJson(request))
	});
});
