import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { createUpload } from '$lib/server/uploads';
import { authorizeTradeUpload } from '$lib/server/trade/attachments';
import type { RequestHandler } from './$types';

/**
 * Announces a resumable upload: {purpose, refId, size, mime, name} → 201 {upload} with offset 0
 * and the chunk size; Location names where the chunks go (PATCH) and where to ask (HEAD).
 */
export const POST: RequestHandler = api(async ({ locals, request }) => {
	const upload = await createUpload(
		requirePrincipal(locals),
		await readJson(request),
		authorizeTradeUpload
	);
	return json(
		{ upload },
		{
			status: 201,
			headers: {
				location: `/api/v1/uploads/${upload.id}`,
				'upload-offset': '0',
				'upload-length': String(upload.size)
			}
		}
	);
});
