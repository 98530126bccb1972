import { existsSync } from 'node:fs';
import { postgresTarget } from './url';
import path from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import type { DbHandle } from './client';

function migrationsFolder(): string {
	const candidates = [
		process.env.MIGRATIONS_DIR,
		path.resolve('drizzle'),
		path.resolve(import.meta.dirname ?? '.', '../../../../drizzle')
	].filter((p): p is string => !!p);
	for (const c of candidates) if (existsSync(path.join(c, 'meta', '_journal.json'))) return c;
	throw new Error(`No drizzle migrations found (looked in ${candidates.join(', ')})`);
}

/**
 * Applies pending migrations, then runs `after` (e.g. demo seeding) while still holding the lock.
 * On Postgres an advisory lock on a reserved connection serialises several processes starting at
 * once; PGlite is single-process.
 */
export async function migrateAndInit(handle: DbHandle, after?: () => Promise<void>): Promise<void> {
	const migrationsFolderPath = migrationsFolder();
	if (handle.kind === 'pglite') {
		await migratePglite(handle.db as unknown as PgliteDatabase, {
			migrationsFolder: migrationsFolderPath
		});
		if (after) await after();
		return;
	}
	// One dedicated connection holds the session-level advisory lock for the whole run.
	const target = postgresTarget(handle.url!);
	const one = postgres(target.url, { max: 1, onnotice: () => {}, host: target.host });
	try {
		await one`select pg_advisory_lock(hashtext('lotlive.migrate'))`;
		try {
			await migratePostgres(drizzlePostgres(one), { migrationsFolder: migrationsFolderPath });
			if (after) await after();
		} finally {
			await one`select pg_advisory_unlock(hashtext('lotlive.migrate'))`;
		}
	} finally {
		await one.end({ timeout: 5 });
	}
}
