import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { createBoard, listBoards } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** GET ?status=active|archived|templates → the caller's boards (operators: every team's). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const boards = await listBoards(requirePrincipal(locals), {
		status: url.searchParams.get('status') ?? undefined
	});
	return json({ boards });
});

/** POST {name, templateId?, broadcastAt?} → 201 {id}. */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const created = await createBoard(requirePrincipal(locals), await readJson(request));
	return json(created, { status: 201 });
});
