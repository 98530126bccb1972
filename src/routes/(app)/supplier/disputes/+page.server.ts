import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { listDisputes } from '$lib/server/trade/dispute-api';
import type { PageServerLoad } from './$types';

/** The supplier's disputes (every one for operators), the nearest deadline first. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:dispute');
	return { disputes: await listDisputes(requirePrincipal(locals)) };
});
