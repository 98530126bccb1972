import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { importOrders } from '$lib/server/orders';
import { readUpload } from '$lib/server/catalog/http';
import { api, importRefusal, translator } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Orders from a CSV/XLSX (one row per line); an invalid sheet places nothing (422 with rows). */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const r = await importOrders(requirePrincipal(locals), params.id, await readUpload(request));
	const t = translator(locals.apiLocale);
	const body = {
		...r,
		errors: r.errors.map(({ params, ...e }) => ({ ...e, message: t(e.message, params) })),
		orders: r.orders.map(({ params, ...o }) =>
			o.message === undefined ? o : { ...o, message: t(o.message, params) }
		)
	};
	if (r.errors.length) {
		return json({ ...body, error: importRefusal(r.errors, locals.apiLocale) }, { status: 422 });
	}
	return json(body);
});
