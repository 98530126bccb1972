import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { boardContent } from '$lib/server/boards/service';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The board's slots as plain JSON in on-air order. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const { board, meta, slots } = await boardContent(requirePrincipal(locals), params.id);
	return json({ board: { id: board.id, name: board.name }, meta, slots });
});
