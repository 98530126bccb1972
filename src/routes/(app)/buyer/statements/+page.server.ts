import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { buyerStatement } from '$lib/server/ledger';
import { pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

/** The buyer organisation's statement for a month (?month=YYYY-MM, China time). */
export const load: PageServerLoad = pageLoad(async ({ locals, url, parent }) => {
	const { buyerOrgId } = await parent();
	const month = pageMonth(url);
	return {
		month,
		statement: await buyerStatement(requirePrincipal(locals), buyerOrgId, { month })
	};
});
