import { supplierQueue } from '$lib/server/orders';
import { requireUser } from '$lib/server/http';
import { isQueueTab } from '$lib/orders/fulfilment';
import type { PageServerLoad } from './$types';

/** The supplier's fulfilment queue; other roles allowed into /supplier (operators) see a notice. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	const raw = url.searchParams.get('status');
	const tab = isQueueTab(raw) ? raw : 'open';
	if (user.role !== 'supplier_staff' || !user.orgId) {
		return { tab, supplierId: null, fulfilments: null };
	}
	const fulfilments = await supplierQueue({ kind: 'user', user }, { status: tab });
	return { tab, supplierId: user.orgId, fulfilments };
};
