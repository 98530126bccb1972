import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { importLots, type ImportProgress } from '$lib/server/catalog';
import { readUpload, translateImport } from '$lib/server/catalog/http';
import { LotImportQuery, searchParamsObject } from '$lib/server/catalog/schemas';
import { parse } from '$lib/server/errors';
import { api, errorResponse, importRefusal } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * POST a CSV or XLSX sheet (multipart field `file`, or the raw body). Rows whose 货号 matches one
 * of the supplier's lots update it, the others add lots. All rows are written, or none:
 * 200 {ok:true, created, updated, ids, preview, token} or 422 {ok:false, errors:[{row, column,
 * cell, message}], preview}. `?dryRun=1` previews (nothing written); `&token=` from the preview
 * makes the apply refuse with 409 {stale:true} if the lots changed since; `?mode=create` refuses
 * rows that match an existing lot.
 * With `Accept: application/x-ndjson` the answer streams progress lines
 * {"progress":{phase,done,total}} and ends with {"result":…}.
 */
export const POST: RequestHandler = api(async ({ locals, request, url }) => {
	const q = parse(LotImportQuery, searchParamsObject(url.searchParams));
	const bytes = await readUpload(request);
	const locale = locals.apiLocale;
	const opts = { dryRun: q.dryRun, mode: q.mode, expectToken: q.token };
	if (!(request.headers.get('accept') ?? '').includes('application/x-ndjson')) {
		const r = translateImport(await importLots(requirePrincipal(locals), { bytes }, opts), locale);
		if (!r.ok)
			return json(
				{ ...r, error: importRefusal(r.errors, locale) },
				{ status: r.stale ? 409 : 422 }
			);
		return json(r);
	}
	const enc = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (x: unknown) => controller.enqueue(enc.encode(JSON.stringify(x) + '\n'));
			let last = 0;
			try {
				const r = await importLots(
					requirePrincipal(locals),
					{ bytes },
					{
						...opts,
						onProgress: (progress: ImportProgress) => {
							const now = Date.now();
							if (now - last > 100 || progress.phase === 'done') {
								last = now;
								send({ progress });
							}
						}
					}
				);
				send({ result: translateImport(r, locale) });
			} catch (e) {
				send(await errorResponse(e, locale).json());
			}
			controller.close();
		}
	});
	return new Response(stream, {
		headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' }
	});
});
