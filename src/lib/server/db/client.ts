import { mkdirSync } from 'node:fs';
import { postgresTarget } from './url';
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
	 * round trip instead of two), on a reserved connection; committed when `fn` resolves, or by
	 * `finish` (see transactionFrom). Its statements run on generic plans (plan_cache_mode, for
	 * this transaction only): they are the same few statements every time, with JSON documents
	 * and id arrays as parameters whose values do not change the plan, and Postgres would
	 * otherwise plan them afresh on every execution.
	 */
	beginWith?<T>(
		first: RawQuery,
		fn: (
			tx: Db,
			rows: Record<string, unknown>[],
			finish: (last: RawQuery[]) => Promise<Record<string, unknown>[][]>
		) => Promise<T>
	): Promise<T>;
	pglite?: PGlite;
	close(): Promise<void>;
}

/** A statement as text and parameters (drizzle's SQL, rendered). */
export interface RawQuery {
	sql: string;
	params: unknown[];
}

export interface OpenOptions {
	databaseUrl?: string;
	/** Directory for PGlite, or 'memory://' */
	pgliteDir?: string;
	poolMax?: number;
	/** application_name of the connections (shown in pg_stat_activity). */
	applicationName?: string;
	/**
	 * Named prepared statements for drizzle's queries, and transactions on reserved connections
	 * (default true). Off, postgres.js describes every query with parameters before running it:
	 * two round trips each. Turn it off behind a transaction-pooling proxy (PgBouncer) that
	 * cannot keep statements per connection.
	 */
	prepare?: boolean;
	/**
	 * Longest wait between reconnection attempts after the database went away (ms). postgres.js
	 * counts failed attempts across the whole pool and backs off up to 20 s: under load, a
	 * 10-second Postgres restart left the pool waiting another 10 s before it tried again.
	 */
	reconnectMaxMs?: number;
}

export function openDatabase(opts: OpenOptions): DbHandle {
	if (opts.databaseUrl) {
		const target = postgresTarget(opts.databaseUrl);
		const sql = postgres(target.url, {
			...(target.host ? { host: target.host } : {}),
			max: opts.poolMax ?? 20,
			idle_timeout: 30,
			connect_timeout: 10,
			backoff: (retries: number) =>
				(0.5 + Math.random() / 2) *
				Math.min(0.05 * 2 ** retries, (opts.reconnectMaxMs ?? 1000) / 1000),
			onnotice: () => {},
			connection: { application_name: opts.applicationName ?? 'lotlive' }
		});
		/** BEGIN travels with the first statement (see DbHandle.beginWith). */
		async function beginWith<T>(
			first: RawQuery,
			fn: (
				tx: Db,
				rows: Record<string, unknown>[],
				finish: (last: RawQuery[]) => Promise<Record<string, unknown>[][]>
			) => Promise<T>
		): Promise<T> {
			const reserved = await sql.reserve();
			// Sent now, in this order, on the reserved connection (answered in this order).
			const send = (q: RawQuery) =>
				reserved
					.unsafe(q.sql, q.params as never[], {
						prepare: q.params.length > 0 && q.params.length <= PREPARE_MAX_PARAMS
					})
					.execute();
			let open = false;
			let finished = false;
			// The last statements and COMMIT go out together. If one fails, Postgres answers the
			// COMMIT with ROLLBACK (the transaction is aborted), and the failure is thrown.
			const finish = async (last: RawQuery[]) => {
				if (finished) throw new Error('transaction already finished');
				finished = true;
				const results = last.map(send);
				results.forEach((r) => r.catch(() => {}));
				const commit = reserved.unsafe('commit').execute();
				commit.catch(() => {});
				open = false;
				try {
					const rows = await Promise.all(results);
					const done = await commit;
					if (done.command !== 'COMMIT') throw new Error(`COMMIT answered ${done.command}`);
					return rows.map((r) => [...r]);
				} catch (e) {
					await commit.catch(() => {});
					throw e;
				}
			};
			try {
				const begin = reserved
					.unsafe('begin; set local plan_cache_mode = force_generic_plan')
					.execute();
				const rows = send(first);
				rows.catch(() => {}); // awaited below, after BEGIN
				await begin;
				open = true;
				const tx = drizzlePostgres(
					transactionClient(reserved, sql) as postgres.Sql
				) as unknown as Db;
				const result = await fn(tx, [...(await rows)], finish);
				if (!finished) {
					open = false;
					await reserved.unsafe('commit');
				}
				return result;
			} catch (e) {
				if (open) await reserved.unsafe('rollback').catch(() => {});
				throw e;
			} finally {
				reserved.release();
			}
		}
		const db = drizzlePostgres(opts.prepare === false ? sql : preparing(sql), {
			schema
		}) as unknown as Db;
		return {
			kind: 'postgres',
			db,
			sql,
			url: opts.databaseUrl,
			beginWith: opts.prepare === false ? undefined : beginWith,
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
 * Bind+Execute: two round trips for every query with parameters. This wraps the client so
 * drizzle's queries are prepared (described once per connection, then one round trip each);
 * statements with many parameters stay unnamed so the per-connection cache stays bounded
 * (postgres.js also recycles connections after 30–60 minutes).
 *
 * Transactions run on a reserved connection (BEGIN … COMMIT sent by hand) instead of
 * postgres.js's `begin`: prepared queries let postgres.js pipeline several queries onto one
 * pooled connection, and 3.4 can then send a queued `begin` down a busy connection it has not
 * reserved (porsager/postgres#823, UNSAFE_TRANSACTION under load). A reserved connection is
 * never shared, so that cannot happen.
 */
function preparing<T extends object>(client: T, pool?: postgres.Sql): T {
	let savepoints = 0;
	const proxy: T = new Proxy(client, {
		get(target, prop) {
			const value = Reflect.get(target, prop, target) as unknown;
			if (typeof value !== 'function') return value;
			const fn = value as (...a: unknown[]) => unknown;
			if (prop === 'unsafe') {
				return (text: string, params?: unknown[], options?: Record<string, unknown>) =>
					fn.call(target, text, params ?? [], {
						...options,
						prepare: (params?.length ?? 0) > 0 && (params?.length ?? 0) <= PREPARE_MAX_PARAMS
					});
			}
			if (prop === 'begin' && !pool) {
				return (...args: unknown[]) => {
					const cb = args.pop() as (c: object) => Promise<unknown>;
					const mode = typeof args[0] === 'string' ? args[0] : '';
					return reservedTransaction(target as unknown as postgres.Sql, mode, cb);
				};
			}
			if (prop === 'savepoint' && pool) {
				// Nested drizzle transactions on the reserved connection.
				return async (cb: (c: object) => Promise<unknown>) => {
					const name = `s${++savepoints}`;
					const sql = target as unknown as postgres.ReservedSql;
					await sql.unsafe(`savepoint ${name}`);
					try {
						const result = await cb(proxy);
						await sql.unsafe(`release savepoint ${name}`);
						return result;
					} catch (e) {
						await sql.unsafe(`rollback to savepoint ${name}`);
						throw e;
					}
				};
			}
			return fn.bind(target);
		}
	});
	return proxy;
}

/** A transaction's client: the reserved connection, prepared, with the pool's type options. */
function transactionClient(reserved: postgres.ReservedSql, pool: postgres.Sql): object {
	// drizzle reads the client's type options (the pool's, already set up for it).
	return preparing(Object.assign(reserved, { options: pool.options }), pool);
}

/** BEGIN, `cb`, COMMIT (ROLLBACK when `cb` throws) on a connection reserved for it. */
async function reservedTransaction<T>(
	pool: postgres.Sql,
	mode: string,
	cb: (client: object) => Promise<T>
): Promise<T> {
	const reserved = await pool.reserve();
	let open = false;
	try {
		await reserved.unsafe(`begin ${mode.replace(/[^a-z ]/gi, '')}`);
		open = true;
		const result = await cb(transactionClient(reserved, pool));
		open = false;
		await reserved.unsafe('commit');
		return result;
	} catch (e) {
		if (open) await reserved.unsafe('rollback').catch(() => {});
		throw e;
	} finally {
		reserved.release();
	}
}
