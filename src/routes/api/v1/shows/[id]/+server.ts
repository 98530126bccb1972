import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { getShow, updateShow } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json(await getShow(requirePrincipal(locals), params.id))
);

/** {title?, scheduledAt?} */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) =>
	json({ show: await updateShow(requirePrincipal(locals), params.id, await readJson(request)) })
);
