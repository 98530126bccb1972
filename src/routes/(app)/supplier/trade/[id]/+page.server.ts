import { sealedReferenceOf } from '$lib/server/trade/packing';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { currentPolicy } from '$lib/server/platform/policy';
import { AppError } from '$lib/server/errors';
import { getOrder, inspectionView } from '$lib/server/trade';
import { disputeIdOfOrder } from '$lib/server/trade/dispute-evidence';
import { acceptAction, packAction, shipAction } from '$lib/server/trade/supplier-forms';
import type { Actions, PageServerLoad } from './$types';

const INSPECTED = new Set([
	'inspecting',
	'accepted_by_buyer',
	'auto_accepted',
	'released',
	'disputed',
	'resolved'
]);

/** One trade order as its supplier (or an operator) sees it; 404 for anyone else. */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:supplier-order');
	const principal = requirePrincipal(locals);
	const order = await getOrder(principal, params.id);
	// The buyer's sampling inspection, once started (409 trade_state before: none to show).
	const inspection = INSPECTED.has(order.state)
		? await inspectionView(principal, order.id).catch((e: unknown) => {
				if (e instanceof AppError && e.status === 409) return null;
				throw e;
			})
		: null;
	const o = currentPolicy().trade.orders;
	return {
		order,
		inspection,
		sealed: await sealedReferenceOf(principal, order.id),
		// The order's dispute, if the buyer filed one (issue 20): linked from the page.
		disputeId: await disputeIdOfOrder(principal, order.id),
		sla: { accept: o.acceptSlaHours, ship: o.shipSlaHours, inspection: o.inspectionWindowHours },
		maxParcels: o.maxParcels
	};
});

export const actions: Actions = {
	accept: acceptAction,
	pack: packAction,
	ship: shipAction
};
