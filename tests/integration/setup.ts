// Runs before every integration test file: gives the file its own database (Postgres when
// DATABASE_URL is set, PGlite in memory otherwise), migrated and empty.
import { afterAll } from 'vitest';
import { freshDatabase } from '../helpers/database';
import { resetEnvCache } from '../../src/lib/server/env';
import { closeDb, dbHandle } from '../../src/lib/server/db';
import { migrateAndInit } from '../../src/lib/server/db/migrate';
import { installModules } from '../../src/lib/server/modules';

const baseUrl = process.env.LOTLIVE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (baseUrl) process.env.LOTLIVE_TEST_DATABASE_URL = baseUrl;
const fresh = await freshDatabase('it');
delete process.env.DATABASE_URL;
delete process.env.PGLITE_DIR;
Object.assign(process.env, fresh.env, {
	SEED_DEMO: 'false',
	// The tests pay with the test provider; a real deployment without demo data does not offer it.
	PAYMENT_TEST_PROVIDER: 'on',
	LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn'
});
resetEnvCache();
await closeDb();
await migrateAndInit(dbHandle());
// Every module's event subscriptions (the ledger posts the orders' money), as the runtime does.
installModules();

afterAll(async () => {
	await closeDb();
	await fresh.drop();
});
