import { requireUser } from '$lib/server/http';
import { listPayouts, statement, supplierReceivables } from '$lib/server/ledger';
import { orPageError, pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	const month = pageMonth(url);
	// Operators may enter the supplier area, but receivables belong to a supplier.
	if (!user.orgId || user.role !== 'supplier_staff')
		return { month, receivables: null, statement: null, payouts: [] };
	const [receivables, st, payouts] = await Promise.all([
		orPageError(supplierReceivables(user)),
		orPageError(statement(user, user.orgId, { month })),
		orPageError(listPayouts(user, { limit: 20 }))
	]);
	return { month, receivables, statement: st, payouts };
};
