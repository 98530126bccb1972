import { env } from '../env';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { openDatabase, type Db, type DbHandle, type DbOrTx, type Tx } from './client';
import path from 'node:path';

export * from './client';
export * from './errors';
export * as tables from './schema';

const key = Symbol.for('lotlive.db');
type G = typeof globalThis & { [key]?: DbHandle };

/**
 * The process-wide database handle. Kept on globalThis so the SvelteKit bundle, the http server
 * entry and (in dev) Vite's module graph all share one pool, and so PGlite is never opened twice
 * on the same directory.
 */
export function dbHandle(): DbHandle {
	const g = globalThis as G;
	if (!g[key]) {
		const e = env();
		g[key] = openDatabase({
			databaseUrl: e.DATABASE_URL,
			pgliteDir: e.PGLITE_DIR ?? path.join(e.DATA_DIR, 'pglite'),
			poolMax: e.DATABASE_POOL_MAX,
			prepare: e.DATABASE_PREPARE,
			reconnectMaxMs: e.DATABASE_RECONNECT_MAX_MS
		});
	}
	return g[key];
}

/** Shorthand for the drizzle handle. */
export function db(): Db {
	return dbHandle().db;
}

/** Installs an already-open handle (tests, tools). */
export function setDbHandle(handle: DbHandle | undefined): void {
	(globalThis as G)[key] = handle;
}

export async function closeDb(): Promise<void> {
	const g = globalThis as G;
	const h = g[key];
	g[key] = undefined;
	if (h) await h.close();
}

/**
 * Runs raw SQL and returns its rows on either driver (postgres.js returns an array,
 * PGlite an object with `rows`). Prefer drizzle's query builder; use this for SQL it lacks.
 */
export async function execRows<T extends Record<string, unknown>>(
	query: SQL,
	tx: DbOrTx = db()
): Promise<T[]> {
	const r = (await tx.execute(query)) as unknown;
	if (Array.isArray(r)) return r as T[];
	return ((r as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Ids as one uuid[] statement parameter (`id = any(${uuidArray(ids)})`): any number of ids in
 * one parameter (not one per id), and an index scan on the key, where a join to a JSON document
 * gets the planner's guess of 100 rows and may hash-join over the whole table.
 */
export function uuidArray(ids: Iterable<string>): SQL {
	return sql`${`{${[...ids].join(',')}}`}::uuid[]`;
}

/** A json/jsonb column of a raw row: postgres.js hands it over parsed, PGlite may give the text. */
export function jsonValue<T>(v: unknown): T {
	return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

const dialect = new PgDialect();

/**
 * A transaction that starts with `first` (on Postgres, BEGIN travels with it: one round trip)
 * and hands its rows to `fn`. `finish(last)` is the end of the transaction: the `last`
 * statements and COMMIT go out together (one round trip), their rows come back in order, and
 * it throws if any of them failed (the transaction is then rolled back). After `finish`, `tx`
 * must not be used. Without `finish`, the transaction commits when `fn` resolves. On PGlite the
 * statements simply run in order inside an ordinary transaction.
 */
export async function transactionFrom<R extends Record<string, unknown>, T>(
	first: SQL,
	fn: (
		tx: Tx,
		rows: R[],
		finish: (last: SQL[]) => Promise<Record<string, unknown>[][]>
	) => Promise<T>
): Promise<T> {
	const h = dbHandle();
	const raw = (q: SQL) => {
		const r = dialect.sqlToQuery(q);
		return { sql: r.sql, params: r.params };
	};
	if (h.beginWith) {
		return h.beginWith(raw(first), (tx, rows, finish) =>
			fn(tx as unknown as Tx, rows as R[], (last) => finish(last.map(raw)))
		);
	}
	return h.db.transaction(async (tx) =>
		fn(tx, await execRows<R>(first, tx), async (last) => {
			const out: Record<string, unknown>[][] = [];
			for (const q of last) out.push(await execRows(q, tx));
			return out;
		})
	);
}
