import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { uploadInspectionPhoto } from '$lib/server/trade';
import { readPhoto } from '$lib/server/trade/api';
import type { RequestHandler } from './$types';

/** One inspection photo (multipart `file` or the raw image; JPEG/PNG/WebP) → 201 {key, url}. */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const p = requirePrincipal(locals);
	return json(await uploadInspectionPhoto(p, params.id, await readPhoto(request)), {
		status: 201
	});
});
