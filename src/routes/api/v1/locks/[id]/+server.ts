import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { changeLock, releaseLock } from '$lib/server/live/locks';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** {quantity} raises or lowers (0 releases); {extendMinutes} pushes the expiry. */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) =>
	json(await changeLock(requirePrincipal(locals), params.id, await readJson(request)))
);

export const DELETE: RequestHandler = api(async ({ locals, params }) =>
	json(await releaseLock(requirePrincipal(locals), params.id))
);
