import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { bulkShipSheet } from '$lib/server/orders';
import { readUpload } from '$lib/server/catalog/http';
import { api, translator } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * A CSV/XLSX of (number, carrier, tracking) — multipart `file` or the raw body. Each row ships
 * on its own; the answer reports every row: {shipped, failed, rows:[{row, number, ok, column?, message?}]}.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const actor = requirePrincipal(locals);
	const report = await bulkShipSheet(actor, await readUpload(request));
	const t = translator(locals.apiLocale);
	const rows = report.rows.map(({ params, ...r }) => ({
		...r,
		...(r.message ? { message: t(r.message, params) } : {})
	}));
	return json({ ...report, rows }, { status: report.failed && !report.shipped ? 422 : 200 });
});
