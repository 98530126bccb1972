import { requirePrincipal } from '$lib/server/auth/principal';
import { runOfShow, runOfShowCsv } from '$lib/server/boards/export';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The run of show as CSV, in the caller's interface language. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const { board, rows } = await runOfShow(requirePrincipal(locals), params.id);
	const file = `${board.name.replace(/[\\/:*?"<>|\r\n]+/g, '_')}.csv`;
	return new Response(runOfShowCsv(rows, locals.locale), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="run-of-show.csv"; filename*=UTF-8''${encodeURIComponent(file)}`,
			'cache-control': 'no-store'
		}
	});
});
