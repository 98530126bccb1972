import { exportLotsXlsx } from '$lib/server/catalog';
import { api, requireUserPrincipal } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The supplier's lots as XLSX (or an empty template with one example row: ?template=1). */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	const user = requireUserPrincipal(locals);
	const template = url.searchParams.get('template') === '1';
	const body = await exportLotsXlsx(user, { template });
	const day = new Date().toISOString().slice(0, 10);
	const name = template ? 'lotlive-import-template.xlsx' : `lotlive-lots-${day}.xlsx`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'no-store'
		}
	});
});
