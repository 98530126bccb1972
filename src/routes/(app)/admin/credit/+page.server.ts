import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { listCreditAccounts } from '$lib/server/trade';
import {
	decideCreditAction,
	repayCreditAction,
	writeOffAction
} from '$lib/server/trade/credit-forms';
import type { Actions, PageServerLoad } from './$types';

/** Operators: credit applications and accounts (limit / used / available), decisions, repayments. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:credit');
	return { accounts: await listCreditAccounts(requirePrincipal(locals)) };
});

export const actions: Actions = {
	decide: decideCreditAction,
	repay: repayCreditAction,
	write_off: writeOffAction
};
