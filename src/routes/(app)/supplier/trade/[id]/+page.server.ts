import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { currentPolicy } from '$lib/server/platform/policy';
import { getOrder } from '$lib/server/trade';
import { acceptAction, packAction, shipAction } from '$lib/server/trade/supplier-forms';
import type { Actions, PageServerLoad } from './$types';

/** One trade order as its supplier (or an operator) sees it; 404 for anyone else. */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:supplier-order');
	const order = await getOrder(requirePrincipal(locals), params.id);
	const o = currentPolicy().trade.orders;
	return {
		order,
		sla: { accept: o.acceptSlaHours, ship: o.shipSlaHours, inspection: o.inspectionWindowHours },
		maxParcels: o.maxParcels
	};
});

export const actions: Actions = {
	accept: acceptAction,
	pack: packAction,
	ship: shipAction
};
