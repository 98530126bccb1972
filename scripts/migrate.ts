// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (or the embedded PGlite).
import { dbHandle, closeDb } from '../src/lib/server/db';
import { migrateAndInit } from '../src/lib/server/db/migrate';

const handle = dbHandle();
await migrateAndInit(handle);
console.log(`Migrations applied (${handle.kind}).`);
await closeDb();
