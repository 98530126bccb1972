import { listTeam } from '$lib/server/auth/service';
import { requireUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	return { team: await listTeam(user) };
};
