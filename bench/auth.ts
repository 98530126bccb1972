// Session validation is on every request's path. Measures it, uncached and from the per-process
// cache, against the bare round trip of `select 1` in the same run, so the figure is the cost
// auth adds on top of the database.
import { sql } from 'drizzle-orm';
import {
	createSession,
	forgetCachedSessions,
	validateSessionToken
} from '../src/lib/server/auth/session';
import { db } from '../src/lib/server/db';
import { users } from '../src/lib/server/db/schema';
import { benchDatabase } from './lib/database';
import { percentile, report, round } from './lib/stats';

const N = Number(process.env.BENCH_N ?? 2000);
const bench = await benchDatabase('auth');
try {
	const [u] = await db().select({ id: users.id }).from(users).limit(1);
	const { token } = await createSession(u!.id);
	const time = async (fn: () => Promise<unknown>) => {
		const out: number[] = [];
		for (let i = 0; i < 50; i++) await fn(); // warm up
		for (let i = 0; i < N; i++) {
			const t = performance.now();
			await fn();
			out.push(performance.now() - t);
		}
		return out;
	};
	const baseline = await time(() => db().execute(sql`select 1`));
	// Uncached: every validation reads the database (the cache is emptied before each call).
	const validate = await time(() => {
		forgetCachedSessions();
		return validateSessionToken(token);
	});
	// Cached (SESSION_CACHE_MS, default 5 s): what most requests of an active user cost.
	const cached = await time(() => validateSessionToken(token));
	report({
		bench: 'auth',
		db: bench.kind,
		n: N,
		validate_p50_ms: round(percentile(validate, 50), 3),
		validate_p99_ms: round(percentile(validate, 99), 3),
		cached_p50_ms: round(percentile(cached, 50), 3),
		cached_p99_ms: round(percentile(cached, 99), 3),
		baseline_select1_p50_ms: round(percentile(baseline, 50), 3),
		baseline_select1_p99_ms: round(percentile(baseline, 99), 3)
	});
} finally {
	await bench.close();
}
