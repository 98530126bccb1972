import { json } from '@sveltejs/kit';
import { importLots, type ImportProgress } from '$lib/server/catalog';
import { readUpload, translateImport } from '$lib/server/catalog/http';
import { api, errorResponse, importRefusal } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * POST a CSV or XLSX sheet (multipart field `file`, or the raw body). All rows are written, or
 * none: 200 {ok:true, created, ids} or 422 {ok:false, errors:[{row, column, cell, message}]}.
 * With `Accept: application/x-ndjson` the answer streams progress lines
 * {"progress":{phase,done,total}} and ends with {"result":…}.
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const bytes = await readUpload(request);
	const locale = locals.apiLocale;
	if (!(request.headers.get('accept') ?? '').includes('application/x-ndjson')) {
		const r = translateImport(await importLots(locals.actor, { bytes }), locale);
		if (!r.ok) return json({ ...r, error: importRefusal(r.errors, locale) }, { status: 422 });
		return json(r);
	}
	const enc = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (x: unknown) => controller.enqueue(enc.encode(JSON.stringify(x) + '\n'));
			let last = 0;
			try {
				const r = await importLots(
					locals.actor,
					{ bytes },
					{
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
