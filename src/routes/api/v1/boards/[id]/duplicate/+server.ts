import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { duplicateBoard } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** POST {name?, asTemplate?} → 201 {id}: a copy of the board's content, without its history. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const body = request.headers.get('content-length') === '0' ? {} : await readJson(request);
	return json(await duplicateBoard(requirePrincipal(locals), params.id, body), { status: 201 });
});
