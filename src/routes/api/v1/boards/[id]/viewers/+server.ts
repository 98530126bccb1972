import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { addViewer, listViewers } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	return json({ viewers: await listViewers(requirePrincipal(locals), params.id) });
});

/** POST {email}: lets a host or assistant of another team read the board. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const actor = requirePrincipal(locals);
	await addViewer(actor, params.id, await readJson(request));
	return json({ viewers: await listViewers(actor, params.id) }, { status: 201 });
});
