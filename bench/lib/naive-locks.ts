// The lock path in the naive shape (one transaction with SELECT … FOR UPDATE per request, four
// round trips while the lot row is held): the benchmark's baseline for the stock module's
// batched path, kept out of production code. `setLockStrategy('naive')` plugs it in (in the
// process that calls it: the bench's own, or a test's) through `setReservePath`.
import { eq, sql } from 'drizzle-orm';
import { available } from '../../src/lib/domain/locks';
import { db } from '../../src/lib/server/db';
import {
	lockEvents,
	lockIdempotencyKeys,
	lots,
	shows,
	stockLocks
} from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import {
	checkShowAndLot,
	insufficient,
	lotColumns,
	setReservePath,
	toLockView,
	type LotRow,
	type ReserveRequest,
	type ReserveResult
} from '../../src/lib/server/stock/reserve';
import { publishLockChanges } from '../../src/lib/server/stock/watch';

export type LockStrategy = 'batched' | 'naive';

/** Takes locks through the naive path (`naive`) or the stock module's batcher (`batched`, or undefined). */
export function setLockStrategy(s: LockStrategy | undefined): void {
	setReservePath(s === 'naive' ? acquireNaive : undefined);
}

export async function acquireNaive(lotId: string, req: ReserveRequest): Promise<ReserveResult> {
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
