import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { parse } from '$lib/server/errors';
import { api, readJson } from '$lib/server/http';
import { listMessages, postMessage, subjectOf } from '$lib/server/trade';
import { ListMessagesQuery } from '$lib/server/trade/messages';
import type { RequestHandler } from './$types';

/** The conversation (its parties only; 404 otherwise) and its messages after ?after=. */
export const GET: RequestHandler = api(async ({ locals, params, url }) => {
	const p = requirePrincipal(locals);
	const s = subjectOf(params.kind, params.id);
	const q = parse(ListMessagesQuery, Object.fromEntries(url.searchParams));
	return json(await listMessages(p, s, { after: q.after }));
});

/** Sends a message: {body, attachments?: [{uploadId}]}. 201 with the stored message. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const p = requirePrincipal(locals);
	const r = await postMessage(p, subjectOf(params.kind, params.id), await readJson(request));
	return json(r, { status: 201 });
});
