import { existsSync } from 'node:fs';
import { postgresTarget } from '../../src/lib/server/db/url';
import postgres from 'postgres';
import { freshDatabase } from '../../tests/helpers/database';

/**
 * For the benches that drive the built server (server/index.js from build/): a fresh Postgres
 * database for it (BENCH_DATABASE_URL or DATABASE_URL, else the local server) and a small
 * client for the bench's own setup and checks.
 */
export async function serverBenchDatabase(name: string) {
	if (!existsSync('build/handler.js')) {
		console.error(`bench:${name} drives the built server: run \`npm run build\` first.`);
		process.exit(2);
	}
	process.env.LOTLIVE_TEST_DATABASE_URL =
		process.env.BENCH_DATABASE_URL ??
		process.env.DATABASE_URL ??
		'postgres://postgres@127.0.0.1:5432/postgres';
	const db = await freshDatabase(`bench_${name}`);
	const target = postgresTarget(db.env.DATABASE_URL!);
	const sql = postgres(target.url, { max: 2, onnotice: () => {}, host: target.host });
	return { db, sql };
}
