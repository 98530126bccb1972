import { listShows } from '$lib/server/live/shows';
import { requireActor } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	shows: await listShows(requireActor(locals))
});
