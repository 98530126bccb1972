import { currentPolicy } from '$lib/server/catalog';
import { cartView, removeCartLine, setCartLine } from '$lib/server/trade';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { isProvince } from '$lib/trade/buyer';
import { cartLineFromForm } from '$lib/trade/forms';
import type { Actions, PageServerLoad } from './$types';

/** The buyer org's cart; `?dest=<province>` quotes freight to another province. */
export const load: PageServerLoad = pageLoad(async ({ locals, url, depends }) => {
	depends('trade:cart');
	const dest = url.searchParams.get('dest');
	const cart = await cartView(
		requirePrincipal(locals),
		isProvince(dest) ? { destProvince: dest } : {}
	);
	return { cart, packagingFeeFen: currentPolicy().trade.cart.packagingFeeFen };
});

/** Which line's form failed: the error is shown in that row. */
const byLot = { action: (v: Record<string, string>) => `line:${v.lotId ?? ''}` };

export const actions: Actions = {
	set: formAction(
		undefined,
		async ({ principal, data }) => {
			await setCartLine(principal(), cartLineFromForm(data));
			return { action: 'set', saved: true };
		},
		byLot
	),
	remove: formAction(
		undefined,
		async ({ principal, values }) => {
			await removeCartLine(principal(), values.lotId ?? '');
			return { action: 'remove', removed: true };
		},
		byLot
	)
};
