import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; services accept `Db | Tx` so steps compose inside one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type Listener = (payload: string) => void;

/**
 * The open database: a drizzle handle plus the few things drizzle does not cover
 * (LISTEN/NOTIFY, closing). Postgres via postgres.js when DATABASE_URL is set, otherwise
 * embedded PGlite persisted on disk. The same schema, migrations and services run on both.
 */
export interface DbHandle {
	kind: 'postgres' | 'pglite';
	db: Db;
	/**
	 * Subscribe to a NOTIFY channel; resolves to an unsubscribe function. `onListen` runs each
	 * time the subscription is (re)established: notifications sent while the listening
	 * connection was down are lost, so callers can catch up then.
	 */
	listen(channel: string, fn: Listener, onListen?: () => void): Promise<() => Promise<void>>;
	/** Raw postgres.js client and its URL (only for kind 'postgres'). */
	sql?: postgres.Sql;
	url?: string;
	/**
	 * Postgres only: a transaction whose BEGIN goes out together with its first statement (one
	 * round trip instead of two), on a reserved connection; committed when `fn` resolves.
	 */
	beginWith?<T>(
		first: { sql: string; params: unknown[] },
		fn: (tx: Db, rows: Record<string, unknown>[]) => Promise<T>
	): Promise<T>;
	pglite?: PGlite;
	close(): Promise<void>;
}

export interface OpenOptions {
	databaseUrl?: string;
	/** Directory for PGlite, or 'memory://' */
	pgliteDir?: string;
	poolMax?: number;
	/** Statement timeout for postgres.js connections, in ms. */
	applicationName?: string;
	/**
	 * Named prepared statements for drizzle's queries in transactions (default true). Off,
	 * postgres.js describes every query with parameters before running it: two round trips each.
	 * Turn it off behind a transaction-pooling proxy (PgBouncer) that cannot keep statements.
	 */
	prepare?: boolean;
}

export function openDatabase(opts: OpenOptions): DbHandle {
	if (opts.databaseUrl) {
		const sql = postgres(opts.databaseUrl, {
			max: opts.poolMax ?? 20,
			idle_timeout: 30,
			connect_timeout: 10,
			onnotice: () => {},
			connection: { application_name: opts.applicationName ?? 'lotlive' }
		});
		const db = drizzlePostgres(opts.prepare === false ? sql : preparing(sql), {
			schema
		}) as unknown as Db;
		return {
			kind: 'postgres',
			db,
			sql,
			url: opts.databaseUrl,
			async beginWith(first, fn) {
				const reserved = await sql.reserve();
				let open = false;
				try {
					// Sent in this order on the reserved connection, answered in this order.
					const begin = reserved.unsafe('begin').execute();
					const rows = reserved
						.unsafe(first.sql, first.params as never[], {
							prepare: first.params.length > 0 && first.params.length <= PREPARE_MAX_PARAMS
						})
						.execute();
					rows.catch(() => {}); // awaited below, after BEGIN
					await begin;
					open = true;
					// drizzle reads the client's type options (the pool's, already set up for it).
					const client = Object.assign(reserved, { options: sql.options });
					const tx = drizzlePostgres(preparing(client, true)) as unknown as Db;
					const result = await fn(tx, [...(await rows)]);
					open = false;
					await reserved.unsafe('commit');
					return result;
				} catch (e) {
					if (open) await reserved.unsafe('rollback').catch(() => {});
					throw e;
				} finally {
					reserved.release();
				}
			},
			async listen(channel, fn, onListen) {
				const sub = await sql.listen(channel, fn, onListen);
				return async () => {
					await sub.unlisten();
				};
			},
			async close() {
				await sql.end({ timeout: 5 });
			}
		};
	}
	const dir = opts.pgliteDir ?? './data/pglite';
	if (!dir.startsWith('memory://')) mkdirSync(path.resolve(dir), { recursive: true });
	const pglite = new PGlite(dir, { extensions: { pg_trgm, btree_gin } });
	const db = drizzlePglite(pglite, { schema }) as unknown as Db;
	return {
		kind: 'pglite',
		db,
		pglite,
		async listen(channel, fn, onListen) {
			const unsub = await pglite.listen(channel, fn);
			onListen?.();
			return async () => {
				await unsub();
			};
		},
		async close() {
			if (!pglite.closed) await pglite.close();
		}
	};
}

/** Queries with more parameters than this (long IN lists, bulk inserts) stay unnamed. */
const PREPARE_MAX_PARAMS = 64;

/**
 * drizzle runs every query through `sql.unsafe(text, params, { prepare: false })` unless it was
 * named, and postgres.js then sends Parse+Describe, waits for the parameter types, and only then
 * Bind+Execute. Named statements are described once per connection and run in one round trip.
 * This wraps the client so the queries of transactions (and their savepoints) are prepared:
 * that is where round trips are paid while rows are locked. Statements with many parameters
 * stay unnamed so the per-connection cache stays bounded (postgres.js also recycles connections
 * after 30–60 minutes). Queries outside transactions are left as they are: a prepared statement
 * no longer blocks its connection while it is described, so postgres.js would pipeline more onto
 * it, including another transaction's BEGIN, which 3.4 can then run on a connection it has not
 * reserved (porsager/postgres#823, UNSAFE_TRANSACTION under load).
 */
function preparing<T extends object>(client: T, inTransaction = false): T {
	return new Proxy(client, {
		get(target, prop) {
			const value = Reflect.get(target, prop, target) as unknown;
			if (typeof value !== 'function') return value;
			const fn = value as (...a: unknown[]) => unknown;
			if (prop === 'unsafe' && inTransaction) {
				return (text: string, params?: unknown[], options?: Record<string, unknown>) =>
					fn.call(target, text, params ?? [], {
						...options,
						prepare: (params?.length ?? 0) > 0 && (params?.length ?? 0) <= PREPARE_MAX_PARAMS
					});
			}
			if (prop === 'begin' || prop === 'savepoint') {
				return (...args: unknown[]) => {
					const cb = args.pop() as (c: object) => unknown;
					return fn.call(target, ...args, (c: object) => cb(preparing(c, true)));
				};
			}
			return fn.bind(target);
		}
	});
}
