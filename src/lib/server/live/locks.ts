// The live console's lock API: validates and authorises lock requests of a show, then hands
// them to the stock module, which alone writes locks, their events and the lots' counters.
import { z } from '$lib/server/validation';
import type { Policy } from '$lib/domain/policy';
import { currentPolicy, policyMax } from '../platform/policy';
import type { Principal } from '../auth/principal';
import { AppError, parse } from '../errors';
import {
	changeReservation,
	countersOf,
	lockHolder,
	releaseHolderLot,
	requestHash,
	reserve,
	type LockView,
	type LotCounters,
	type ReserveRequest
} from '../stock';
import { actorIds, authorizeShow } from './access';

export {
	countersOf,
	deleteExpiredLockKeys,
	expireDueLocks,
	insufficient,
	lotColumns,
	releaseShowLocks,
	toLockView,
	type LockView,
	type LotCounters,
	type LotRow
} from '../stock';

const UUID = z.uuid({ error: 'v.id' });

/** A lock quantity; its maximum is the given policy's, else the one in force at each check. */
export function quantitySchema(policy?: Policy, min = 1) {
	const n = z.number().int({ error: 'v.integer' }).min(min);
	return policy
		? n.max(policy.live.maxLockQuantity)
		: n.superRefine(policyMax((p) => p.live.maxLockQuantity));
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

export const ChangeInput = z
	.object({
		quantity: quantitySchema(undefined, 0).optional(),
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
	const policy = opts.policy ?? currentPolicy();
	const input = parse(AcquireInput, raw);
	const key =
		opts.idempotencyKey === undefined || opts.idempotencyKey === null
			? undefined
			: parseKey(opts.idempotencyKey);
	await authorizeShow(actor, showId, 'write');
	const ids = actorIds(actor);
	const req: ReserveRequest = {
		showId,
		quantity: input.quantity,
		userId: ids.userId,
		tokenId: ids.tokenId,
		ttlMinutes: policy.live.lockTtlMinutes,
		...(key
			? { idem: { key, hash: requestHash(input), hours: policy.live.idempotencyKeyHours } }
			: {})
	};
	const res = await reserve(input.lotId, req);
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

/** Raise or lower a lock's quantity (0 releases it), or extend its expiry. */
export async function changeLock(
	actor: Principal,
	lockId: string,
	raw: unknown,
	policy: Policy = currentPolicy()
): Promise<{ lock: LockView; counters: LotCounters }> {
	const input = parse(ChangeInput, raw, { max: policy.live.maxLockQuantity });
	const holder = await lockHolder(lockId);
	await authorizeShow(actor, holder.showId, 'write');
	return changeReservation(lockId, holder, input, actorIds(actor));
}

export function releaseLock(actor: Principal, lockId: string) {
	return changeLock(actor, lockId, { quantity: 0 });
}

/** Releases every active lock a show holds on one lot (the console's “release” key). */
export async function releaseShowLotLocks(actor: Principal, showId: string, rawLotId: unknown) {
	const lotId = parse(UUID, rawLotId);
	await authorizeShow(actor, showId, 'write');
	return releaseHolderLot(showId, lotId, actorIds(actor));
}
