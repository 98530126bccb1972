import { listOrders } from '$lib/server/trade';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { isOrderTab } from '$lib/trade/buyer';
import type { PageServerLoad } from './$types';

const PAGE = 50;

/** The buyer org's trade orders: open (default), closed or all; `?checkout=` marks a checkout's. */
export const load: PageServerLoad = pageLoad(async ({ locals, url, depends }) => {
	depends('trade:orders');
	const raw = url.searchParams.get('tab');
	const tab = isOrderTab(raw) ? raw : 'open';
	// `before`: the next page, orders created before that time (the service validates it)
	const before = url.searchParams.get('before') ?? undefined;
	const orders = await listOrders(requirePrincipal(locals), {
		...(tab === 'all' ? {} : { state: tab }),
		...(before ? { before } : {}),
		limit: PAGE
	});
	const checkout = url.searchParams.get('checkout');
	return {
		tab,
		orders,
		before: before ?? null,
		// a full page: there may be older orders
		olderThan: orders.length === PAGE ? orders[orders.length - 1]!.createdAt : null,
		checkoutId: checkout && checkout.length <= 100 ? checkout : null
	};
});
