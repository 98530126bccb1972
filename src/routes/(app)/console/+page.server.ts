import { listTeam } from '$lib/server/auth/service';
import { requireUser } from '$lib/server/http';
import { listShows } from '$lib/server/live/shows';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	const [team, shows] = await Promise.all([listTeam(user), listShows({ kind: 'user', user })]);
	return {
		team,
		shows: shows.filter((s) => s.status === 'live' || s.status === 'scheduled').slice(0, 5)
	};
};
