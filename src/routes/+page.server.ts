import { pageLoad } from '$lib/server/edge';
import type { PageServerLoad } from './$types';
import { homeOf } from '$lib/domain/roles';

export const load: PageServerLoad = pageLoad(({ locals }) => ({
	home: locals.user ? homeOf(locals.user.role) : null
}));
