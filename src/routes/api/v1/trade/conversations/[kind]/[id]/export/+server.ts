import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { subjectOf } from '$lib/server/trade';
import { conversationExportHtml } from '$lib/server/trade/messages-export';
import type { RequestHandler } from './$types';

/** The printable record with the chain check (the parties only; 404 otherwise). */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const html = await conversationExportHtml(
		requirePrincipal(locals),
		subjectOf(params.kind, params.id)
	);
	return new Response(html, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'private, no-store'
		}
	});
});
