import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { appendChunk, uploadStatus, type UploadView } from '$lib/server/uploads';
import { readChunk } from '$lib/server/uploads/http';
import type { RequestHandler } from './$types';

const headersOf = (u: UploadView) => ({
	'upload-offset': String(u.offset),
	'upload-length': String(u.size),
	'cache-control': 'no-store'
});

/** The upload as JSON (offset, status, key once complete). Only its owner; else 404. */
export const GET: RequestHandler = api(async ({ locals, params }) => {
	const upload = await uploadStatus(requirePrincipal(locals), params.id);
	return json({ upload }, { headers: headersOf(upload) });
});

/** Where to resume: Upload-Offset (bytes received) and Upload-Length. Only its owner; else 404. */
export const HEAD: RequestHandler = api(async ({ locals, params }) => {
	const upload = await uploadStatus(requirePrincipal(locals), params.id);
	return new Response(null, { status: 204, headers: headersOf(upload) });
});

/**
 * One chunk (Content-Type application/offset+octet-stream, at most chunkSize bytes) at
 * Upload-Offset, which must be the server's offset (409 `offset_mismatch` with the right one).
 * 204 + the new Upload-Offset; the last chunk answers 200 {upload} with its key.
 */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) => {
	const p = requirePrincipal(locals);
	const bytes = await readChunk(request);
	const upload = await appendChunk(p, params.id, request.headers.get('upload-offset'), bytes);
	if (upload.status === 'complete') return json({ upload }, { headers: headersOf(upload) });
	return new Response(null, { status: 204, headers: headersOf(upload) });
});
