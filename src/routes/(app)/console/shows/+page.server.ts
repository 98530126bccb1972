import { listShows } from '$lib/server/live/shows';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals }) => ({
	shows: await listShows(requirePrincipal(locals))
}));
