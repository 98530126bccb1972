import { json } from '@sveltejs/kit';
import { importOrders } from '$lib/server/orders';
import { readUpload } from '$lib/server/catalog/http';
import { api, importRefusal, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Orders from a CSV/XLSX (one row per line); an invalid sheet places nothing (422 with rows). */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const r = await importOrders(requireActor(locals), params.id, await readUpload(request));
	if (r.errors.length) {
		return json({ ...r, error: importRefusal(r.errors, locals.apiLocale) }, { status: 422 });
	}
	return json(r);
});
