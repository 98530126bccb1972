import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { disputeBundle } from '$lib/server/trade/dispute-admin';
import { ruleDisputeAction } from '$lib/server/trade/dispute-admin-forms';
import type { Actions, PageServerLoad } from './$types';

/** Operators: one dispute's evidence bundle and the ruling form (404 for an unknown id). */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:dispute');
	return { bundle: await disputeBundle(requirePrincipal(locals), params.id) };
});

export const actions: Actions = {
	rule: ruleDisputeAction
};
