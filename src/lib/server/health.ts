import { sql } from 'drizzle-orm';
import { dbHandle } from './db';

/** Whether the database answers, for /healthz (load balancers and the CI smoke test). */
export async function databaseHealth(): Promise<
	{ reachable: true; kind: 'postgres' | 'pglite'; ms: number } | { reachable: false; error: string }
> {
	const started = performance.now();
	try {
		const handle = dbHandle();
		await handle.db.execute(sql`select 1`);
		return { reachable: true, kind: handle.kind, ms: Math.round(performance.now() - started) };
	} catch (e) {
		return { reachable: false, error: (e as Error).message };
	}
}
