import { json } from '@sveltejs/kit';
import { databaseHealth } from '$lib/server/health';
import { retryAfterHeaders } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Liveness plus database reachability, for load balancers and the CI smoke test. */
export const GET: RequestHandler = async () => {
	const db = await databaseHealth();
	if (db.reachable) {
		return json({ status: 'ok', database: { kind: db.kind, reachable: true, ms: db.ms } });
	}
	return json(
		{ status: 'error', database: { reachable: false, error: db.error } },
		{ status: 503, headers: retryAfterHeaders() }
	);
};
