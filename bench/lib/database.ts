import { freshDatabase } from '../../tests/helpers/database';
import { resetEnvCache } from '../../src/lib/server/env';
import { closeDb, dbHandle } from '../../src/lib/server/db';
import { migrateAndInit } from '../../src/lib/server/db/migrate';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

/**
 * A fresh, migrated, demo-seeded database for one benchmark: Postgres when DATABASE_URL is set
 * (or BENCH_DATABASE_URL), otherwise in-memory PGlite. Logs go to stderr so stdout keeps the
 * one JSON line.
 */
export async function benchDatabase(label: string, opts: { demo?: boolean } = {}) {
	const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
	if (base) process.env.LOTLIVE_TEST_DATABASE_URL = base;
	const fresh = await freshDatabase(`bench_${label}`);
	delete process.env.DATABASE_URL;
	delete process.env.PGLITE_DIR;
	Object.assign(process.env, fresh.env, { SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
	resetEnvCache();
	const handle = dbHandle();
	await migrateAndInit(handle, async () => {
		if (opts.demo !== false) await seedDemoIfEmpty();
	});
	return {
		handle,
		kind: fresh.kind,
		async close() {
			await closeDb();
			await fresh.drop();
		}
	};
}
