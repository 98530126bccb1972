import { supplierQueue } from '$lib/server/orders';
import { isSupplier, requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { isQueueTab } from '$lib/orders/fulfilment';
import type { PageServerLoad } from './$types';

/** The supplier's fulfilment queue; other roles allowed into /supplier (operators) see a notice. */
export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const principal = requirePrincipal(locals);
	const raw = url.searchParams.get('status');
	const tab = isQueueTab(raw) ? raw : 'open';
	if (!isSupplier(principal)) return { tab, supplierId: null, fulfilments: null };
	const fulfilments = await supplierQueue(principal, { status: tab });
	return { tab, supplierId: principal.orgId, fulfilments };
});
