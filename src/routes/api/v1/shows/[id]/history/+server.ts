import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { lockHistory } from '$lib/server/live/shows';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** ?after=<event id>: only newer events (the live console catching up). */
export const GET: RequestHandler = api(async ({ locals, params, url }) =>
	json({
		events: await lockHistory(
			requirePrincipal(locals),
			params.id,
			200,
			Object.fromEntries(url.searchParams)
		)
	})
);
