import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { hostEarnings, statement } from '$lib/server/ledger';
import { pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const principal = requirePrincipal(locals);
	const month = pageMonth(url);
	// Operators reach the console too, but earnings belong to a host team.
	if (!principal.orgId || (principal.role !== 'host' && principal.role !== 'assistant'))
		return { month, earnings: null, statement: null };
	const [earnings, st] = await Promise.all([
		hostEarnings(principal),
		statement(principal, principal.orgId, { month })
	]);
	return { month, earnings, statement: st };
});
