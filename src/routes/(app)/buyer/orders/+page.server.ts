import { listOrders } from '$lib/server/trade';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { isOrderTab } from '$lib/trade/buyer';
import type { PageServerLoad } from './$types';

/** The buyer org's trade orders: open (default), closed or all; `?checkout=` marks a checkout's. */
export const load: PageServerLoad = pageLoad(async ({ locals, url, depends }) => {
	depends('trade:orders');
	const raw = url.searchParams.get('tab');
	const tab = isOrderTab(raw) ? raw : 'open';
	const orders = await listOrders(requirePrincipal(locals), tab === 'all' ? {} : { state: tab });
	const checkout = url.searchParams.get('checkout');
	return { tab, orders, checkoutId: checkout && checkout.length <= 100 ? checkout : null };
});
