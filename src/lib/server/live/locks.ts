import { createHash, randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from '$lib/server/validation';
import { DEFAULT_POLICY, type Policy } from '$lib/domain/policy';
import {
	available,
	decideBatch,
	lockChange,
	showAcceptsLocks,
	type ShowStatus
} from '$lib/domain/locks';
import type { Principal } from '../auth/principal';
import {
	constraintOf,
	db,
	execRows,
	isDataRefusal,
	jsonValue,
	sqlState,
	transactionFrom,
	uuidArray,
	type Tx
} from '../db';
import {
	lockEvents,
	lockIdempotencyKeys,
	lots,
	shows,
	stockLocks,
	type StockLock
} from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import { env } from '../env';
import { logger } from '../log';
import { actorIds, authorizeShow } from './access';
import { KeyedBatcher } from './batcher';
import { publishLockChanges } from './publish';

const UUID = z.uuid({ error: 'v.id' });

export function quantitySchema(policy: Policy = DEFAULT_POLICY, min = 1) {
	return z.number().int({ error: 'v.integer' }).min(min).max(policy.live.maxLockQuantity);
}

export const AcquireInput = z.object({ lotId: UUID, quantity: quantitySchema() });

/**
 * A lock request's `Idempotency-Key` (HTTP header, or `idempotencyKey` of the socket event):
 * 1–255 visible ASCII characters, e.g. a UUID the client made for this request and sends again
 * with every retry of it.
 */
export const IdempotencyKey = z
	.string({ error: 'input.err.idempotency_key' })
	.regex(/^[\x21-\x7e]{1,255}$/, {
		error: 'input.err.idempotency_key'
	});

/** What a key remembers of its request: the same key with another body is refused. */
function requestHash(input: { lotId: string; quantity: number }): string {
	return createHash('sha256')
		.update(JSON.stringify([input.lotId, input.quantity]))
		.digest('hex');
}

const idempotencyMismatch = () =>
	new AppError('rule', 'idempotency_mismatch', 'input.err.idempotency_mismatch', {
		field: 'idempotencyKey'
	});
export const ChangeInput = z
	.object({
		quantity: quantitySchema(DEFAULT_POLICY, 0).optional(),
		/** Push the expiry to this many minutes from now. */
		extendMinutes: z
			.number()
			.int()
			.min(1)
			.max(7 * 24 * 60)
			.optional()
	})
	.refine((v) => v.quantity !== undefined || v.extendMinutes !== undefined, {
		error: 'v.lock_change',
		path: ['quantity']
	});

export interface LockView {
	id: string;
	showId: string;
	lotId: string;
	quantity: number;
	consumed: number;
	status: 'active' | 'released' | 'expired';
	expiresAt: string;
	createdAt: string;
}

export interface LotCounters {
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	version: number;
}

export function toLockView(l: StockLock): LockView {
	return {
		id: l.id,
		showId: l.showId,
		lotId: l.lotId,
		quantity: l.quantity,
		consumed: l.consumed,
		status: l.status,
		expiresAt: l.expiresAt.toISOString(),
		createdAt: l.createdAt.toISOString()
	};
}

export const insufficient = (avail: number) =>
	new AppError('conflict', 'insufficient_stock', 'err.lock_free', {
		field: 'quantity',
		params: { n: avail },
		details: { available: avail }
	});

const showClosed = () =>
	new AppError('conflict', 'show_closed', 'err.lock_show_closed', {
		field: 'showId'
	});
const notInShow = () =>
	new AppError('rule', 'lot_not_in_show', 'err.lot_not_in_show', {
		field: 'lotId'
	});
const lotUnavailable = () =>
	new AppError('rule', 'lot_unavailable', 'err.lot_unavailable', {
		field: 'lotId'
	});

interface LotRow {
	id: string;
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
	status: string;
}

const lotColumns = {
	id: lots.id,
	onHand: lots.onHand,
	locked: lots.locked,
	allocated: lots.allocated,
	stockVersion: lots.stockVersion,
	status: lots.status
};

/**
 * Shows FOR SHARE in id order, then the lot FOR UPDATE (the lock order every stock path uses),
 * in one statement: a round trip fewer while the batch holds the lot.
 */
function showsAndLotQuery(
	showIds: string[],
	lotId: string,
	keys: { show_id: string; key: string }[] = []
): SQL {
	// Idempotency keys of the batch already answered (only when the batch has keys, so the
	// statement of unkeyed batches stays as it was).
	const stored =
		keys.length === 0
			? sql``
			: sql`, (select coalesce(json_agg(json_build_object('show_id', k.show_id, 'key', k.key,
				'request_hash', k.request_hash, 'lock', row_to_json(sl))), '[]')
				from json_to_recordset(${JSON.stringify(keys)}::json) as q(show_id uuid, key text)
				join lock_idempotency_keys k on k.show_id = q.show_id and k.key = q.key
					and k.expires_at > now()
				join stock_locks sl on sl.id = k.lock_id) as stored`;
	return sql`with s as (
		select sh.id, sh.status,
			exists (select 1 from show_slots ss where ss.show_id = sh.id and ss.lot_id = ${lotId})
				as in_lineup
		from shows sh where sh.id = any(${uuidArray([...showIds].sort())})
		order by sh.id for share of sh
	), l as (
		select id, on_hand, locked, allocated, stock_version, status from lots
		where id = ${lotId} for update
	)
	select (select coalesce(json_agg(s), '[]') from s) as shows, (select row_to_json(l) from l) as lot${stored}`;
}

type ShowsAndLotRow = { shows: unknown; lot: unknown; stored?: unknown };

/** A stock_locks row as row_to_json gives it. */
interface LockJson {
	id: string;
	show_id: string;
	lot_id: string;
	quantity: number;
	consumed: number;
	status: LockView['status'];
	expires_at: string;
	created_at: string;
}

function lockViewOfJson(l: LockJson): LockView {
	return {
		id: l.id,
		showId: l.show_id,
		lotId: l.lot_id,
		quantity: l.quantity,
		consumed: l.consumed,
		status: l.status,
		expiresAt: new Date(l.expires_at).toISOString(),
		createdAt: new Date(l.created_at).toISOString()
	};
}

function showsAndLot(r: ShowsAndLotRow) {
	const showRows = jsonValue<{ id: string; status: ShowStatus; in_lineup: boolean }[]>(r.shows);
	const l = jsonValue<{
		id: string;
		on_hand: number;
		locked: number;
		allocated: number;
		stock_version: string | number;
		status: string;
	} | null>(r.lot);
	const lot: LotRow | undefined = l
		? {
				id: l.id,
				onHand: l.on_hand,
				locked: l.locked,
				allocated: l.allocated,
				stockVersion: Number(l.stock_version),
				status: l.status
			}
		: undefined;
	return {
		showRows: new Map(showRows.map((s) => [s.id, { status: s.status, inLineup: s.in_lineup }])),
		lot
	};
}

async function lockShowsAndLot(tx: Tx, showIds: string[], lotId: string) {
	const [r] = await execRows<ShowsAndLotRow>(showsAndLotQuery(showIds, lotId), tx);
	return showsAndLot(r!);
}

function checkShowAndLot(
	show: { status: ShowStatus; inLineup: boolean } | undefined,
	lot: LotRow | undefined
): AppError | null {
	if (!lot) return notFound('Lot', 'lotId');
	if (!show) return notFound('Show', 'showId');
	if (!showAcceptsLocks(show.status)) return showClosed();
	if (!show.inLineup) return notInShow();
	if (lot.status !== 'active') return lotUnavailable();
	return null;
}

interface AcquireReq {
	showId: string;
	quantity: number;
	userId: string | null;
	tokenId: string | null;
	ttlMinutes: number;
	/** The request's idempotency key, its body's hash and how long the key is kept. */
	idem?: { key: string; hash: string; hours: number };
}
type AcquireRes =
	{ ok: true; lock: LockView; lot: LotRow; replayed: boolean } | { ok: false; error: AppError };

/**
 * One transaction for a whole batch of lock requests on one lot: lock the rows once, decide
 * every request in arrival order against the committed free stock, then write the lot counter,
 * the locks and their events in a single statement. Exact (the database row lock serialises
 * batches across processes, and the CHECK constraint backs it up) and durable (results are
 * returned only after COMMIT).
 */
async function processAcquireBatch(lotId: string, reqs: AcquireReq[]): Promise<AcquireRes[]> {
	const keyOf = (r: AcquireReq) => `${r.showId}\u0000${r.idem!.key}`;
	const keys = reqs.filter((r) => r.idem).map((r) => ({ show_id: r.showId, key: r.idem!.key }));
	// The rows are locked by the transaction's first statement (on Postgres it travels with BEGIN).
	const first = showsAndLotQuery([...new Set(reqs.map((r) => r.showId))], lotId, keys);
	const out = await transactionFrom<ShowsAndLotRow, AcquireRes[]>(first, async (tx, [row]) => {
		const { showRows, lot } = showsAndLot(row!);
		// Keys answered before: their retries get the stored lock (or 422 with another body).
		const stored = new Map(
			(row!.stored === undefined
				? []
				: jsonValue<{ show_id: string; key: string; request_hash: string; lock: LockJson }[]>(
						row!.stored
					)
			).map((k) => [`${k.show_id}\u0000${k.key}`, k])
		);
		// A key repeated within the batch shares the outcome of its first request.
		const firstWithKey = new Map<string, number>();
		const repeats: [number, number][] = [];
		const results: (AcquireRes | 'repeat' | null)[] = reqs.map((r, i) => {
			if (r.idem) {
				const prior = stored.get(keyOf(r));
				if (prior) {
					if (prior.request_hash !== r.idem.hash)
						return { ok: false, error: idempotencyMismatch() };
					if (!lot) return { ok: false, error: notFound('Lot', 'lotId') };
					return { ok: true, lock: lockViewOfJson(prior.lock), lot, replayed: true };
				}
				const f = firstWithKey.get(keyOf(r));
				if (f !== undefined) {
					repeats.push([i, f]);
					return 'repeat';
				}
				firstWithKey.set(keyOf(r), i);
			}
			const err = checkShowAndLot(showRows.get(r.showId), lot);
			return err ? { ok: false, error: err } : null;
		});
		const settleRepeats = () => {
			for (const [i, f] of repeats) {
				const firstRes = results[f] as AcquireRes;
				results[i] =
					reqs[i]!.idem!.hash !== reqs[f]!.idem!.hash
						? { ok: false, error: idempotencyMismatch() }
						: firstRes.ok
							? { ...firstRes, replayed: true }
							: firstRes;
			}
			return results as AcquireRes[];
		};
		const eligible = reqs.map((r, i) => ({ r, i })).filter(({ i }) => results[i] === null);
		if (!lot || eligible.length === 0) return settleRepeats();
		const { decisions, grantedTotal } = decideBatch(
			available(lot),
			eligible.map(({ r }) => r)
		);
		const rows: {
			id: string;
			show_id: string;
			quantity: number;
			user_id: string | null;
			token_id: string | null;
			ttl: number;
			idem_key: string | null;
			idem_hash: string | null;
			idem_hours: number | null;
		}[] = [];
		eligible.forEach(({ r, i }, k) => {
			const d = decisions[k]!;
			if (!d.granted) {
				results[i] = { ok: false, error: insufficient(d.available) };
				return;
			}
			rows.push({
				id: randomUUID(),
				show_id: r.showId,
				quantity: r.quantity,
				user_id: r.userId,
				token_id: r.tokenId,
				ttl: r.ttlMinutes,
				idem_key: r.idem?.key ?? null,
				idem_hash: r.idem?.hash ?? null,
				idem_hours: r.idem?.hours ?? null
			});
		});
		if (grantedTotal === 0) return settleRepeats();
		const json = JSON.stringify(rows);
		// The keys are stored with the locks they got; a key another transaction stored meanwhile
		// violates the primary key, and the batcher retries the others without this request.
		const storeKeys = rows.some((r) => r.idem_key !== null)
			? sql`, idem as (
				insert into lock_idempotency_keys (show_id, key, request_hash, lock_id, expires_at)
				select show_id, idem_key, idem_hash, id, now() + make_interval(hours => idem_hours)
				from req where idem_key is not null
			)`
			: sql``;
		const written = await execRows<{
			kind: string;
			id: string;
			show_id: string;
			quantity: number;
			expires_at: string | Date;
			created_at: string | Date;
			on_hand: number;
			locked: number;
			allocated: number;
			stock_version: string | number;
		}>(
			sql`with req as (
				select * from jsonb_to_recordset(${json}::jsonb)
					as x(id uuid, show_id uuid, quantity int, user_id uuid, token_id uuid, ttl int,
						idem_key text, idem_hash text, idem_hours int)
			), upd as (
				update lots set locked = locked + ${grantedTotal}, stock_version = stock_version + 1
				where id = ${lotId}
				returning on_hand, locked, allocated, stock_version
			), ins as (
				insert into stock_locks (id, show_id, lot_id, quantity, expires_at, created_by)
				select id, show_id, ${lotId}, quantity, now() + make_interval(mins => ttl), user_id from req
				returning id, show_id, quantity, expires_at, created_at
			), ev as (
				insert into lock_events (lock_id, show_id, lot_id, kind, delta, quantity_after, actor_user_id, actor_token_id)
				select id, show_id, ${lotId}, 'acquire', quantity, quantity, user_id, token_id from req
			)${storeKeys}
			select 'lock' as kind, ins.id, ins.show_id, ins.quantity, ins.expires_at, ins.created_at,
				null::int as on_hand, null::int as locked, null::int as allocated, null::bigint as stock_version
			from ins
			union all
			select 'lot', null, null, null, null, null, on_hand, locked, allocated, stock_version from upd`,
			tx
		);
		const lotAfter = written.find((w) => w.kind === 'lot')!;
		const lotRow: LotRow = {
			id: lotId,
			onHand: lotAfter.on_hand,
			locked: lotAfter.locked,
			allocated: lotAfter.allocated,
			stockVersion: Number(lotAfter.stock_version),
			status: lot.status
		};
		const byId = new Map(written.filter((w) => w.kind === 'lock').map((w) => [w.id, w]));
		let k = 0;
		eligible.forEach(({ i }, j) => {
			if (!decisions[j]!.granted) return;
			const row = rows[k++]!;
			const w = byId.get(row.id)!;
			results[i] = {
				ok: true,
				replayed: false,
				lot: lotRow,
				lock: {
					id: row.id,
					showId: row.show_id,
					lotId,
					quantity: row.quantity,
					consumed: 0,
					status: 'active',
					expiresAt: new Date(w.expires_at).toISOString(),
					createdAt: new Date(w.created_at).toISOString()
				}
			};
		});
		// Replays answer with the counters after this batch too.
		for (const [i, r] of results.entries()) {
			if (r && r !== 'repeat' && r.ok && r.replayed) results[i] = { ...r, lot: lotRow };
		}
		return settleRepeats();
	});
	const granted = out.filter((r): r is Extract<AcquireRes, { ok: true }> => r.ok && !r.replayed);
	if (granted.length > 0) {
		const last = granted[granted.length - 1]!.lot;
		publishLockChanges(last, [...new Set(granted.map((g) => g.lock.showId))]);
	}
	return out;
}

let batcherInstance: KeyedBatcher<AcquireReq, AcquireRes> | undefined;
function batcher(): KeyedBatcher<AcquireReq, AcquireRes> {
	batcherInstance ??= new KeyedBatcher<AcquireReq, AcquireRes>(
		processAcquireBatch,
		500,
		env().LOCK_BATCH_IN_FLIGHT,
		isDataRefusal
	);
	return batcherInstance;
}

/** The lock path in the naive shape (one transaction with SELECT … FOR UPDATE per request): the benchmark's baseline. */
async function acquireNaive(lotId: string, req: AcquireReq): Promise<AcquireRes> {
	try {
		const res = await db().transaction(async (tx) => {
			// The textbook shape: read the show, lock the lot row, check, write. (No show row lock:
			// a naive implementation would not take one, and it would only slow the baseline.)
			const [show] = await tx
				.select({
					status: shows.status,
					inLineup: sql<boolean>`exists (select 1 from show_slots ss where ss.show_id = "shows"."id" and ss.lot_id = ${lotId})`
				})
				.from(shows)
				.where(eq(shows.id, req.showId));
			const [lot] = await tx.select(lotColumns).from(lots).where(eq(lots.id, lotId)).for('update');
			const err = checkShowAndLot(show, lot as LotRow | undefined);
			if (err) throw err;
			const free = available(lot!);
			if (req.quantity > free) throw insufficient(free);
			const [after] = await tx
				.update(lots)
				.set({
					locked: sql`${lots.locked} + ${req.quantity}`,
					stockVersion: sql`${lots.stockVersion} + 1`
				})
				.where(eq(lots.id, lotId))
				.returning(lotColumns);
			const [lock] = await tx
				.insert(stockLocks)
				.values({
					showId: req.showId,
					lotId,
					quantity: req.quantity,
					expiresAt: new Date(Date.now() + req.ttlMinutes * 60_000),
					createdBy: req.userId
				})
				.returning();
			await tx.insert(lockEvents).values({
				lockId: lock!.id,
				showId: req.showId,
				lotId,
				kind: 'acquire',
				delta: req.quantity,
				quantityAfter: req.quantity,
				actorUserId: req.userId,
				actorTokenId: req.tokenId
			});
			if (req.idem) {
				await tx.insert(lockIdempotencyKeys).values({
					showId: req.showId,
					key: req.idem.key,
					requestHash: req.idem.hash,
					lockId: lock!.id,
					expiresAt: new Date(Date.now() + req.idem.hours * 3_600_000)
				});
			}
			return { lock: toLockView(lock!), lot: after as LotRow };
		});
		publishLockChanges(res.lot, [req.showId]);
		return { ok: true, replayed: false, ...res };
	} catch (e) {
		if (e instanceof AppError) return { ok: false, error: e };
		throw e;
	}
}

export type LockStrategy = 'batched' | 'naive';
let strategy: LockStrategy | undefined;
export function lockStrategy(): LockStrategy {
	return (strategy ??= env().LOCK_STRATEGY);
}
/** Tests and the benchmark switch strategies in one process. */
export function setLockStrategy(s: LockStrategy | undefined): void {
	strategy = s;
}

/**
 * Acquire N units of a lot for a show → the lock, or 409 insufficient_stock with what is free.
 *
 * With an idempotency key, the first granted request stores key → lock for the show (for
 * `live.idempotencyKeyHours`); a retry with the same key and body gets that lock again
 * (`replayed: true`, HTTP 200) instead of a second one, on any node; the same key with another
 * lot or quantity is 422 `idempotency_mismatch`. A refused request stores nothing (it changed
 * nothing), so its retry is decided afresh.
 */
export async function acquireLock(
	actor: Principal,
	showId: string,
	raw: unknown,
	opts: { idempotencyKey?: unknown; policy?: Policy } = {}
): Promise<{ lock: LockView; counters: LotCounters; replayed: boolean }> {
	const policy = opts.policy ?? DEFAULT_POLICY;
	const input = parse(AcquireInput, raw);
	const key =
		opts.idempotencyKey === undefined || opts.idempotencyKey === null
			? undefined
			: parseKey(opts.idempotencyKey);
	await authorizeShow(actor, showId, 'write');
	const ids = actorIds(actor);
	const req: AcquireReq = {
		showId,
		quantity: input.quantity,
		userId: ids.userId,
		tokenId: ids.tokenId,
		ttlMinutes: policy.live.lockTtlMinutes,
		...(key
			? { idem: { key, hash: requestHash(input), hours: policy.live.idempotencyKeyHours } }
			: {})
	};
	const res = await submitAcquire(input.lotId, req, true);
	if (!res.ok) throw res.error;
	return { lock: res.lock, counters: countersOf(res.lot), replayed: res.replayed };
}

function parseKey(raw: unknown): string {
	const r = IdempotencyKey.safeParse(raw);
	if (!r.success) {
		throw new AppError('invalid', 'invalid_input', r.error.issues[0]!.message, {
			field: 'idempotencyKey'
		});
	}
	return r.data;
}

async function submitAcquire(lotId: string, req: AcquireReq, retry: boolean): Promise<AcquireRes> {
	if (req.idem && lockStrategy() === 'naive') {
		const prior = await storedLock(req.showId, req.idem);
		if (prior) return prior;
	}
	try {
		return lockStrategy() === 'naive'
			? await acquireNaive(lotId, req)
			: await batcher().submit(lotId, req);
	} catch (e) {
		// Another request with this key (on this node or another) stored it first.
		if (!req.idem || sqlState(e) !== '23505' || constraintOf(e) !== 'lock_idempotency_keys_pkey') {
			throw e;
		}
		const prior = await storedLock(req.showId, req.idem);
		if (prior) return prior;
		// The key had expired: forget it and decide this request afresh (once).
		await db()
			.delete(lockIdempotencyKeys)
			.where(
				and(
					eq(lockIdempotencyKeys.showId, req.showId),
					eq(lockIdempotencyKeys.key, req.idem.key),
					sql`${lockIdempotencyKeys.expiresAt} <= now()`
				)
			);
		if (!retry) throw e;
		return submitAcquire(lotId, req, false);
	}
}

/** The answer stored for an idempotency key that has not expired, if any. */
async function storedLock(
	showId: string,
	idem: { key: string; hash: string }
): Promise<AcquireRes | undefined> {
	const [row] = await db()
		.select({ hash: lockIdempotencyKeys.requestHash, lock: stockLocks, lot: lotColumns })
		.from(lockIdempotencyKeys)
		.innerJoin(stockLocks, eq(stockLocks.id, lockIdempotencyKeys.lockId))
		.innerJoin(lots, eq(lots.id, stockLocks.lotId))
		.where(
			and(
				eq(lockIdempotencyKeys.showId, showId),
				eq(lockIdempotencyKeys.key, idem.key),
				sql`${lockIdempotencyKeys.expiresAt} > now()`
			)
		)
		.limit(1);
	if (!row) return undefined;
	if (row.hash !== idem.hash) return { ok: false, error: idempotencyMismatch() };
	return { ok: true, replayed: true, lock: toLockView(row.lock), lot: row.lot as LotRow };
}

/** Forgets idempotency keys past their time (the lock-expiry job). */
export async function deleteExpiredLockKeys(): Promise<number> {
	const gone = await db()
		.delete(lockIdempotencyKeys)
		.where(sql`${lockIdempotencyKeys.expiresAt} <= now()`)
		.returning({ key: lockIdempotencyKeys.key });
	return gone.length;
}

function countersOf(l: {
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
}): LotCounters {
	return {
		onHand: l.onHand,
		locked: l.locked,
		allocated: l.allocated,
		available: l.onHand - l.locked - l.allocated,
		version: l.stockVersion
	};
}

async function findLock(lockId: string) {
	if (!UUID.safeParse(lockId).success) throw notFound('Lock', 'lockId');
	const [l] = await db()
		.select({ showId: stockLocks.showId, lotId: stockLocks.lotId })
		.from(stockLocks)
		.where(eq(stockLocks.id, lockId))
		.limit(1);
	if (!l) throw notFound('Lock', 'lockId');
	return l;
}

/** Raise or lower a lock's quantity (0 releases it), or extend its expiry. */
export async function changeLock(
	actor: Principal,
	lockId: string,
	raw: unknown,
	policy: Policy = DEFAULT_POLICY
): Promise<{ lock: LockView; counters: LotCounters }> {
	const input = parse(ChangeInput, raw, { max: policy.live.maxLockQuantity });
	const { showId, lotId } = await findLock(lockId);
	await authorizeShow(actor, showId, 'write');
	const { userId, tokenId } = actorIds(actor);
	const res = await db().transaction(async (tx) => {
		const { showRows, lot } = await lockShowsAndLot(tx, [showId], lotId);
		const show = showRows.get(showId);
		if (!show || !showAcceptsLocks(show.status)) throw showClosed();
		const [lock] = await tx
			.select()
			.from(stockLocks)
			.where(eq(stockLocks.id, lockId))
			.for('update');
		let current = lock!;
		let lotAfter = lot!;
		if (input.quantity !== undefined) {
			const change = lockChange(current, input.quantity);
			if (!change.ok) {
				throw new AppError('conflict', 'lock_not_active', 'err.lock_inactive', {
					field: 'lockId'
				});
			}
			if (change.delta > 0) {
				if (lot!.status !== 'active') throw lotUnavailable();
				const free = available(lot!);
				if (change.delta > free) throw insufficient(free);
			}
			if (change.delta !== 0) {
				const [a] = await tx
					.update(lots)
					.set({
						locked: sql`${lots.locked} + ${change.delta}`,
						stockVersion: sql`${lots.stockVersion} + 1`
					})
					.where(eq(lots.id, lotId))
					.returning(lotColumns);
				lotAfter = a as LotRow;
				const released = input.quantity === 0;
				[current] = (await tx
					.update(stockLocks)
					.set({
						quantity: input.quantity,
						updatedAt: new Date(),
						...(released ? { status: 'released' as const, endedAt: new Date() } : {})
					})
					.where(eq(stockLocks.id, lockId))
					.returning()) as [StockLock];
				await tx.insert(lockEvents).values({
					lockId,
					showId,
					lotId,
					kind: change.kind === 'none' ? 'raise' : change.kind,
					delta: change.delta,
					quantityAfter: input.quantity,
					actorUserId: userId,
					actorTokenId: tokenId
				});
			}
		}
		if (input.extendMinutes !== undefined && current.status === 'active') {
			[current] = (await tx
				.update(stockLocks)
				.set({
					expiresAt: new Date(Date.now() + input.extendMinutes * 60_000),
					updatedAt: new Date()
				})
				.where(eq(stockLocks.id, lockId))
				.returning()) as [StockLock];
			await tx.insert(lockEvents).values({
				lockId,
				showId,
				lotId,
				kind: 'extend',
				delta: 0,
				quantityAfter: current.quantity,
				actorUserId: userId,
				actorTokenId: tokenId
			});
		} else if (input.extendMinutes !== undefined) {
			throw new AppError('conflict', 'lock_not_active', 'err.lock_inactive', {
				field: 'lockId'
			});
		}
		return { lock: toLockView(current), lot: lotAfter };
	});
	publishLockChanges(res.lot, [showId]);
	return { lock: res.lock, counters: countersOf(res.lot) };
}

export function releaseLock(actor: Principal, lockId: string) {
	return changeLock(actor, lockId, { quantity: 0 });
}

/**
 * Ends active locks of one lot inside the caller's transaction (which holds the lot row lock):
 * their held units go back to free stock, each change is recorded as a system event.
 */
async function endLocksOfLot(
	tx: Tx,
	lotId: string,
	where: ReturnType<typeof and>,
	status: 'released' | 'expired',
	actor?: { userId: string | null; tokenId: string | null }
): Promise<{ lot: LotRow; showIds: string[]; count: number } | null> {
	const held = await tx
		.select({ id: stockLocks.id, showId: stockLocks.showId, quantity: stockLocks.quantity })
		.from(stockLocks)
		.where(and(eq(stockLocks.lotId, lotId), eq(stockLocks.status, 'active'), where))
		.for('update');
	if (held.length === 0) return null;
	const total = held.reduce((s, h) => s + h.quantity, 0);
	const now = new Date();
	await tx
		.update(stockLocks)
		.set({ status, quantity: 0, endedAt: now, updatedAt: now })
		.where(
			inArray(
				stockLocks.id,
				held.map((h) => h.id)
			)
		);
	await tx.insert(lockEvents).values(
		held.map((h) => ({
			lockId: h.id,
			showId: h.showId,
			lotId,
			kind: status === 'expired' ? ('expire' as const) : ('release' as const),
			delta: -h.quantity,
			quantityAfter: 0,
			actorUserId: actor?.userId ?? null,
			actorTokenId: actor?.tokenId ?? null,
			system: !actor
		}))
	);
	const [lot] = await tx
		.update(lots)
		.set({ locked: sql`${lots.locked} - ${total}`, stockVersion: sql`${lots.stockVersion} + 1` })
		.where(eq(lots.id, lotId))
		.returning(lotColumns);
	return {
		lot: lot as LotRow,
		showIds: [...new Set(held.map((h) => h.showId))],
		count: held.length
	};
}

/** Releases every active lock a show holds on one lot (the console's “release” key). */
export async function releaseShowLotLocks(actor: Principal, showId: string, rawLotId: unknown) {
	const lotId = parse(UUID, rawLotId);
	await authorizeShow(actor, showId, 'write');
	const res = await db().transaction(async (tx) => {
		const { showRows, lot } = await lockShowsAndLot(tx, [showId], lotId);
		if (!lot) throw notFound('Lot', 'lotId');
		const show = showRows.get(showId);
		if (!show || !showAcceptsLocks(show.status)) throw showClosed();
		return endLocksOfLot(tx, lotId, eq(stockLocks.showId, showId), 'released', actorIds(actor));
	});
	if (res) publishLockChanges(res.lot, [showId]);
	return { released: res?.count ?? 0 };
}

/**
 * Releases active locks whose time is up. Runs as a background job on every node; safe to run
 * concurrently (each lot is handled under its row lock and re-checked there). Returns how many
 * locks expired.
 */
export async function expireDueLocks(limit = 500): Promise<number> {
	const due = await db()
		.selectDistinct({ lotId: stockLocks.lotId })
		.from(stockLocks)
		.where(and(eq(stockLocks.status, 'active'), sql`${stockLocks.expiresAt} <= now()`))
		.limit(limit);
	let n = 0;
	for (const lotId of due.map((d) => d.lotId).sort()) {
		const res = await db().transaction(async (tx) => {
			await tx.select({ id: lots.id }).from(lots).where(eq(lots.id, lotId)).for('update');
			return endLocksOfLot(tx, lotId, sql`${stockLocks.expiresAt} <= now()`, 'expired');
		});
		if (res) {
			n += res.count;
			publishLockChanges(res.lot, res.showIds);
		}
	}
	return n;
}

/**
 * Releases every active lock of a show (the show ended or was cancelled), inside the caller's
 * transaction, which already holds the show row FOR UPDATE. Lots are locked in id order.
 */
export async function releaseShowLocks(tx: Tx, showId: string): Promise<LotRow[]> {
	const lotIds = await tx
		.selectDistinct({ lotId: stockLocks.lotId })
		.from(stockLocks)
		.where(and(eq(stockLocks.showId, showId), eq(stockLocks.status, 'active')));
	const changed: LotRow[] = [];
	for (const lotId of lotIds.map((l) => l.lotId).sort()) {
		await tx.select({ id: lots.id }).from(lots).where(eq(lots.id, lotId)).for('update');
		const res = await endLocksOfLot(tx, lotId, eq(stockLocks.showId, showId), 'released');
		if (res) changed.push(res.lot);
	}
	return changed;
}

export { countersOf, lotColumns, type LotRow };

export function logLockError(err: unknown) {
	logger().error({ err }, 'lock job failed');
}
