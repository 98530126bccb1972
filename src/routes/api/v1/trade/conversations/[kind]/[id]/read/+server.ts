import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { markReadOf } from '$lib/server/trade/messages';
import type { RequestHandler } from './$types';

/** {seq}: the caller has read the conversation up to seq. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json(await markReadOf(requirePrincipal(locals), params.kind, params.id, await readJson(request)))
);
