import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { agingExport, agingReport } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: the aging report (?format=json|csv|xlsx). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const p = requirePrincipal(locals);
	const file = await agingExport(p, url.searchParams.get('format') ?? 'json');
	if (!file) return json({ rows: await agingReport(p) });
	return new Response(new Uint8Array(file.body), {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.filename}"`
		}
	});
});
