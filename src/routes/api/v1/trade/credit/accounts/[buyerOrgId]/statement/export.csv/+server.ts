import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { buyerStatement, buyerStatementCsv } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** The buyer's statement as CSV in the caller's interface language. */
export const GET: RequestHandler = api(async ({ locals, params, url }) => {
	const s = await buyerStatement(
		requirePrincipal(locals),
		params.buyerOrgId,
		Object.fromEntries(url.searchParams)
	);
	return new Response(buyerStatementCsv(s, locals.locale), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="buyer-statement-${s.period.label.replace(/[^0-9-]+/g, '_')}.csv"`,
			'cache-control': 'no-store'
		}
	});
});
