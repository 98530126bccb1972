import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { pendingBankTransfers } from '$lib/server/trade';
import { confirmTransferAction } from '$lib/server/trade/payments-form';
import type { Actions, PageServerLoad } from './$types';

/** Bank transfers buyers say they made, waiting for an operator to match the bank's statement. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:pending-transfers');
	return { transfers: await pendingBankTransfers(requirePrincipal(locals)) };
});

export const actions: Actions = {
	confirm: confirmTransferAction
};
