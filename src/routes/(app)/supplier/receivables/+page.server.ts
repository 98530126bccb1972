import { isSupplier, requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { listPayouts, statement, supplierReceivables } from '$lib/server/ledger';
import { pageMonth } from '$lib/server/ledger/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const principal = requirePrincipal(locals);
	const month = pageMonth(url);
	// Operators may enter the supplier area, but receivables belong to a supplier.
	if (!isSupplier(principal)) return { month, receivables: null, statement: null, payouts: [] };
	const [receivables, st, payouts] = await Promise.all([
		supplierReceivables(principal),
		statement(principal, principal.orgId!, { month }),
		listPayouts(principal, { limit: 20 })
	]);
	return { month, receivables, statement: st, payouts };
});
