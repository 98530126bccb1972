import { json } from '@sveltejs/kit';
import { actorOf } from '$lib/server/boards/http';
import { addViewer, listViewers } from '$lib/server/boards/service';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	return json({ viewers: await listViewers(actorOf(locals), params.id) });
});

/** POST {email}: lets a host or assistant of another team read the board. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const actor = actorOf(locals);
	await addViewer(actor, params.id, await readJson(request));
	return json({ viewers: await listViewers(actor, params.id) }, { status: 201 });
});
