// Reservations (stock_locks) of lots: taking, changing, releasing and expiring them, with the
// lot's `locked` counter and the lock_events history, all written here and nowhere else (see
// index.ts for the module's rules and lock order).
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
	available,
	decideBatch,
	lockChange,
	showAcceptsLocks,
	type ShowStatus
} from '$lib/domain/locks';
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
import { lockEvents, lockIdempotencyKeys, lots, stockLocks, type StockLock } from '../db/schema';
import { AppError, notFound } from '../errors';
import { isUuid } from '../ids';
import { env } from '../env';
import { KeyedBatcher } from '../platform/batcher';
import { publishLockChanges } from './watch';

/** What a key remembers of its request: the same key with another body is refused. */
export function requestHash(input: { lotId: string; quantity: number }): string {
	return createHash('sha256')
		.update(JSON.stringify([input.lotId, input.quantity]))
		.digest('hex');
}

const idempotencyMismatch = () =>
	new AppError('rule', 'idempotency_mismatch', 'input.err.idempotency_mismatch', {
		field: 'idempotencyKey'
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

/**
 * One reservation request. The holder is a show today (`showId`: a live show's lock, checked
 * against the show's status and lineup under its row lock); a non-live holder (a wholesale
 * checkout's hold, say) would add its own kind here and its own check in `checkShowAndLot`.
 */
export interface ReserveRequest {
	showId: string;
	quantity: number;
	userId: string | null;
	tokenId: string | null;
	ttlMinutes: number;
	/** The request's idempotency key, its body's hash and how long the key is kept. */
	idem?: { key: string; hash: string; hours: number };
}
export type ReserveResult =
	{ ok: true; lock: LockView; lot: LotRow; replayed: boolean } | { ok: false; error: AppError };

/**
 * One transaction for a whole batch of lock requests on one lot: lock the rows once, decide
 * every request in arrival order against the committed free stock, then write the lot counter,
 * the locks and their events in a single statement. Exact (the database row lock serialises
 * batches across processes, and the CHECK constraint backs it up) and durable (results are
 * returned only after COMMIT).
 */
async function processAcquireBatch(
	lotId: string,
	reqs: ReserveRequest[]
): Promise<ReserveResult[]> {
	const keyOf = (r: ReserveRequest) => `${r.showId}\u0000${r.idem!.key}`;
	const keys = reqs.filter((r) => r.idem).map((r) => ({ show_id: r.showId, key: r.idem!.key }));
	// The rows are locked by the transaction's first statement (on Postgres it travels with BEGIN).
	const first = showsAndLotQuery([...new Set(reqs.map((r) => r.showId))], lotId, keys);
	const out = await transactionFrom<ShowsAndLotRow, ReserveResult[]>(
		first,
		async (_tx, [row], finish) => {
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
			const results: (ReserveResult | 'repeat' | null)[] = reqs.map((r, i) => {
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
					const firstRes = results[f] as ReserveResult;
					results[i] =
						reqs[i]!.idem!.hash !== reqs[f]!.idem!.hash
							? { ok: false, error: idempotencyMismatch() }
							: firstRes.ok
								? { ...firstRes, replayed: true }
								: firstRes;
				}
				return results as ReserveResult[];
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
			// The write goes out with COMMIT (one round trip, one socket write): the lot's row is
			// locked by the first statement, so nothing can change between the decision and the write.
			type Written = {
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
			};
			const [written] = (await finish([
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
			select 'lot', null, null, null, null, null, on_hand, locked, allocated, stock_version from upd`
			])) as [Written[]];
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
		}
	);
	const granted = out.filter((r): r is Extract<ReserveResult, { ok: true }> => r.ok && !r.replayed);
	if (granted.length > 0) {
		const last = granted[granted.length - 1]!.lot;
		publishLockChanges(last, [...new Set(granted.map((g) => g.lock.showId))]);
	}
	return out;
}

let batcherInstance: KeyedBatcher<ReserveRequest, ReserveResult> | undefined;
function batcher(): KeyedBatcher<ReserveRequest, ReserveResult> {
	batcherInstance ??= new KeyedBatcher<ReserveRequest, ReserveResult>(
		processAcquireBatch,
		500,
		env().LOCK_BATCH_IN_FLIGHT,
		isDataRefusal
	);
	return batcherInstance;
}

/** Another way to take reservations than the batcher (the benchmark's naive baseline). */
export type ReservePath = (lotId: string, req: ReserveRequest) => Promise<ReserveResult>;
let replacement: ReservePath | undefined;
/**
 * For the benchmark and the tests that compare with it: replaces the batched path by another
 * one (`bench/lib/naive-locks.ts`), or restores it (undefined). Production never sets one.
 */
export function setReservePath(path: ReservePath | undefined): void {
	replacement = path;
}

/**
 * Reserves units of a lot for a holder → the lock, or a refusal (409 insufficient_stock with
 * what is free, or why the holder may not lock). Batched per lot (one transaction and one
 * write statement for all the requests that arrive meanwhile); with an idempotency key, the
 * first granted request stores key → lock and a retry gets that lock again (`replayed`).
 * Publishes the lot's counters after commit.
 */
export function reserve(lotId: string, req: ReserveRequest): Promise<ReserveResult> {
	return submitAcquire(lotId, req, true);
}

async function submitAcquire(
	lotId: string,
	req: ReserveRequest,
	retry: boolean
): Promise<ReserveResult> {
	const path = replacement;
	// A replacement path has no batch statement that finds stored keys: look first.
	if (req.idem && path) {
		const prior = await storedLock(req.showId, req.idem);
		if (prior) return prior;
	}
	try {
		return path ? await path(lotId, req) : await batcher().submit(lotId, req);
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
): Promise<ReserveResult | undefined> {
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
		available: available(l),
		version: l.stockVersion
	};
}

/** The holder and lot of a lock (404 if there is none). */
export async function lockHolder(lockId: string): Promise<{ showId: string; lotId: string }> {
	if (!isUuid(lockId)) throw notFound('Lock', 'lockId');
	const [l] = await db()
		.select({ showId: stockLocks.showId, lotId: stockLocks.lotId })
		.from(stockLocks)
		.where(eq(stockLocks.id, lockId))
		.limit(1);
	if (!l) throw notFound('Lock', 'lockId');
	return l;
}

/**
 * Raises or lowers a lock's quantity (0 releases it) and/or extends its expiry, under the show
 * and lot row locks; the caller has authorised the actor for the lock's holder (`lockHolder`).
 */
export async function changeReservation(
	lockId: string,
	holder: { showId: string; lotId: string },
	input: { quantity?: number; extendMinutes?: number },
	actor: { userId: string | null; tokenId: string | null }
): Promise<{ lock: LockView; counters: LotCounters }> {
	const { showId, lotId } = holder;
	const { userId, tokenId } = actor;
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

/**
 * Releases every active lock a show holds on one lot (the console's “release” key); the caller
 * has authorised the actor for the show.
 */
export async function releaseHolderLot(
	showId: string,
	lotId: string,
	actor: { userId: string | null; tokenId: string | null }
): Promise<{ released: number }> {
	const res = await db().transaction(async (tx) => {
		const { showRows, lot } = await lockShowsAndLot(tx, [showId], lotId);
		if (!lot) throw notFound('Lot', 'lotId');
		const show = showRows.get(showId);
		if (!show || !showAcceptsLocks(show.status)) throw showClosed();
		return endLocksOfLot(tx, lotId, eq(stockLocks.showId, showId), 'released', actor);
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

export { checkShowAndLot, countersOf, lotColumns, type LotRow, showClosed, lotUnavailable };
