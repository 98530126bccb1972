import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { lockAcquireReply } from '$lib/server/hot-api';
import { getShow } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) => {
	const s = await getShow(requirePrincipal(locals), params.id);
	return json({ locks: s.locks, counters: s.counters });
});

/**
 * {lotId, quantity} → 201 {lock, counters, replayed: false}, or 409 {error:{code:"insufficient_stock",
 * available}}. With an Idempotency-Key header, a retry gets 200 with the lock granted before.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const r = await lockAcquireReply(
		requirePrincipal(locals),
		params.id,
		await readJson(request),
		request.headers.get('idempotency-key')
	);
	return json(r.body, { status: r.status });
});
