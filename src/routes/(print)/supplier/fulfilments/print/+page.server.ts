import { pageLoad } from '$lib/server/edge';
import { requirePrincipal } from '$lib/server/auth/principal';
import { supplierFulfilments } from '$lib/server/orders';
import type { PageServerLoad } from './$types';

/** ?ids=a,b,c&kind=packing|labels — the supplier's own fulfilments only (others left out). */
export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const kind = url.searchParams.get('kind') === 'labels' ? 'labels' : 'packing';
	const ids = url.searchParams
		.getAll('ids')
		.flatMap((s) => s.split(','))
		.map((s) => s.trim())
		.filter(Boolean);
	const fulfilments = await supplierFulfilments(requirePrincipal(locals), ids);
	return { kind, fulfilments, generatedAt: new Date().toISOString() } as const;
});
