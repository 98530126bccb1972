import { listTeam } from '$lib/server/auth/service';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { listShows } from '$lib/server/live/shows';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals }) => {
	const principal = requirePrincipal(locals);
	const [team, shows] = await Promise.all([listTeam(principal), listShows(principal)]);
	return {
		team,
		shows: shows.filter((s) => s.status === 'live' || s.status === 'scheduled').slice(0, 5)
	};
});
