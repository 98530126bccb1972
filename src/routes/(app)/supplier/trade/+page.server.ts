import { isSupplier, requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { currentPolicy } from '$lib/server/platform/policy';
import { listOrders } from '$lib/server/trade';
import { acceptAction, packAction } from '$lib/server/trade/supplier-forms';
import { OPEN_TABS, isSupplierTab } from '$lib/trade/supplier-queue';
import type { Actions, PageServerLoad } from './$types';

const CLOSED_PAGE = 100;

/**
 * The supplier's trade queue: every open order (the open tabs are counted and kept live from
 * them) and, on the done/cancelled tabs, the latest closed ones. Operators (allowed into
 * /supplier) see a notice: the queue is a supplier organisation's.
 */
export const load: PageServerLoad = pageLoad(async ({ locals, url, depends }) => {
	depends('trade:supplier-queue');
	const principal = requirePrincipal(locals);
	const raw = url.searchParams.get('tab');
	const tab = isSupplierTab(raw) ? raw : 'to_accept';
	const o = currentPolicy().trade.orders;
	const sla = {
		accept: o.acceptSlaHours,
		ship: o.shipSlaHours,
		inspection: o.inspectionWindowHours
	};
	if (!isSupplier(principal))
		return { tab, supplierId: null, open: [], closed: [], earlier: null, sla };
	// closed tabs page back in time: ?before=<createdAt of the last order shown>
	const before = url.searchParams.get('before') ?? undefined;
	const [open, closed] = await Promise.all([
		listOrders(principal, { state: 'open', limit: 200 }),
		OPEN_TABS.includes(tab)
			? []
			: listOrders(principal, { state: 'closed', limit: CLOSED_PAGE, before })
	]);
	const earlier = closed.length === CLOSED_PAGE ? closed[closed.length - 1]!.createdAt : null;
	return { tab, supplierId: principal.orgId, open, closed, earlier, sla };
});

export const actions: Actions = {
	accept: acceptAction,
	pack: packAction
};
