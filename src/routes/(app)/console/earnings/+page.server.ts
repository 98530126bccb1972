import { requireUser } from '$lib/server/http';
import { hostEarnings, statement } from '$lib/server/ledger';
import { orPageError, pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	const month = pageMonth(url);
	// Operators reach the console too, but earnings belong to a host team.
	if (!user.orgId || (user.role !== 'host' && user.role !== 'assistant'))
		return { month, earnings: null, statement: null };
	const [earnings, st] = await Promise.all([
		orPageError(hostEarnings(user)),
		orPageError(statement(user, user.orgId, { month }))
	]);
	return { month, earnings, statement: st };
};
