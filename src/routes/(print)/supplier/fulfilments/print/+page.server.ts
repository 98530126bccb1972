import { error } from '@sveltejs/kit';
import { AppError } from '$lib/server/errors';
import { requireUser, translator } from '$lib/server/http';
import { supplierFulfilments } from '$lib/server/orders';
import type { PageServerLoad } from './$types';

/** ?ids=a,b,c&kind=packing|labels — the supplier's own fulfilments only (others left out). */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	const kind = url.searchParams.get('kind') === 'labels' ? 'labels' : 'packing';
	const ids = url.searchParams
		.getAll('ids')
		.flatMap((s) => s.split(','))
		.map((s) => s.trim())
		.filter(Boolean);
	try {
		const fulfilments = await supplierFulfilments({ kind: 'user', user }, ids);
		return { kind, fulfilments, generatedAt: new Date().toISOString() } as const;
	} catch (e) {
		if (e instanceof AppError)
			error(e.status, {
				message: translator(locals.locale)(e.message, e.params),
				code: e.code
			});
		throw e;
	}
};
