import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { buyerStatement } from '$lib/server/ledger';
import { pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

/** Operators: any buyer organisation's statement for a month (404 for one that is no buyer). */
export const load: PageServerLoad = pageLoad(async ({ locals, url, params }) => {
	const month = pageMonth(url);
	return {
		month,
		statement: await buyerStatement(requirePrincipal(locals), params.buyerOrgId, { month })
	};
});
