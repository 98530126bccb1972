import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { statement, statementXlsx } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** The statement as an XLSX workbook in the caller's interface language. */
export const GET: RequestHandler = api(async ({ locals, params, url }) => {
	const s = await statement(
		requirePrincipal(locals),
		params.orgId,
		Object.fromEntries(url.searchParams)
	);
	return new Response(new Uint8Array(await statementXlsx(s, locals.locale)), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="statement-${s.period.label.replace(/[^0-9-]+/g, '_')}.xlsx"`,
			'cache-control': 'no-store'
		}
	});
});
