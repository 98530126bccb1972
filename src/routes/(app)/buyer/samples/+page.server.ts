import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { listSamples } from '$lib/server/trade';
import type { PageServerLoad } from './$types';

/** The buyer org's sample requests, newest first. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:samples');
	return { samples: await listSamples(requirePrincipal(locals)) };
});
