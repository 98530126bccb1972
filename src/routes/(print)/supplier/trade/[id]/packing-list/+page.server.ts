import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { packingList } from '$lib/server/trade';
import { sealedReferenceOf } from '$lib/server/trade/packing';
import type { PageServerLoad } from './$types';

/** A trade order's packing list, for its supplier (and operators); 404 for anyone else. */
export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const principal = requirePrincipal(locals);
	const list = await packingList(principal, params.id);
	const sealed = await sealedReferenceOf(principal, list.order.id);
	return { ...list, sealed, generatedAt: new Date().toISOString() };
});
