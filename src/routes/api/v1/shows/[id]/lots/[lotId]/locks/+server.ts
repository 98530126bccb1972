import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { releaseShowLotLocks } from '$lib/server/live/locks';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Releases every active lock the show holds on this lot. */
export const DELETE: RequestHandler = api(async ({ locals, params }) =>
	json(await releaseShowLotLocks(requirePrincipal(locals), params.id, params.lotId))
);
