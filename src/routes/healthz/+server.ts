import { json } from '@sveltejs/kit';
import { sql } from 'drizzle-orm';
import { dbHandle } from '$lib/server/db';
import { retryAfterHeaders } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Liveness plus database reachability, for load balancers and the CI smoke test. */
export const GET: RequestHandler = async () => {
	const started = performance.now();
	try {
		const handle = dbHandle();
		await handle.db.execute(sql`select 1`);
		return json({
			status: 'ok',
			database: { kind: handle.kind, reachable: true, ms: Math.round(performance.now() - started) }
		});
	} catch (e) {
		return json(
			{ status: 'error', database: { reachable: false, error: (e as Error).message } },
			{ status: 503, headers: retryAfterHeaders() }
		);
	}
};
