import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { disputeQueue } from '$lib/server/trade/dispute-admin';
import type { PageServerLoad } from './$types';

/** Operators: the arbitration queue (escalated first by the 48-hour ruling timer), ?state= filter. */
export const load: PageServerLoad = pageLoad(async ({ locals, url, depends }) => {
	depends('trade:disputes');
	const state = url.searchParams.get('state');
	return {
		queue: await disputeQueue(requirePrincipal(locals), state === null ? {} : { state })
	};
});
