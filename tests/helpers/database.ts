import postgres from 'postgres';
import { postgresTarget } from '../../src/lib/server/db/url';

/**
 * A throwaway database for one test file (or one e2e run): a fresh Postgres database on the
 * DATABASE_URL server when it is set, otherwise an in-memory PGlite. Returns the env to use
 * and a function that drops it again.
 */
export async function freshDatabase(label: string): Promise<{
	env: Record<string, string>;
	drop: () => Promise<void>;
	kind: 'postgres' | 'pglite';
}> {
	const base = process.env.LOTLIVE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
	if (!base) {
		return { env: { PGLITE_DIR: 'memory://' }, drop: async () => {}, kind: 'pglite' };
	}
	const name =
		`lotlive_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
	const target = postgresTarget(base);
	const admin = postgres(target.url, { max: 1, onnotice: () => {}, host: target.host });
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		env: { DATABASE_URL: url.toString() },
		kind: 'postgres',
		drop: async () => {
			const a = postgres(target.url, { max: 1, onnotice: () => {}, host: target.host });
			try {
				await a.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await a.end();
			}
		}
	};
}
