import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { myCredit } from '$lib/server/trade';
import { applyCreditAction } from '$lib/server/trade/credit-forms';
import type { Actions, PageServerLoad } from './$types';

/** The buyer's credit terms: apply, then limit / used / available and the invoices. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:credit');
	return { credit: await myCredit(requirePrincipal(locals)) };
});

export const actions: Actions = { apply: applyCreditAction };
