/**
 * The stock module: the only code that writes a lot's counters (`lots.on_hand`, `locked`,
 * `allocated`, with `stock_version`), `stock_locks` and `lock_events`
 * (`tests/integration/stock-writers.test.ts` fails on such SQL anywhere else). Free stock is
 * `available` of `$lib/domain/locks` (`availableSql` in statements). See docs/STOCK.md.
 *
 * Operations, as calls and (for another module's batch) as statement builders:
 * - reserve: `reserve` (batched per lot: one transaction, one write statement per batch);
 *   change / release: `changeReservation`, `releaseHolderLot`, `releaseShowLocks` (inside the
 *   caller's transaction), `expireDueLocks` (job);
 * - consume: `consumeCtes` (an order batch's write statement takes units from the holder's
 *   locks and allocates them), `allocateFree` / `allocateFreeStatement` (no lock held);
 * - settle allocated units (ship, cancel, write off, return): `settle` / `settleStatement`;
 * - adjust / restock on hand: `setOnHand` / `setOnHandStatement`.
 * A new lot is inserted by the catalog with its first `on_hand` (locked and allocated start at
 * 0); every later change goes through here.
 *
 * Lock order of every stock path: shows (FOR SHARE) → lots (FOR UPDATE, in id order) →
 * stock_locks (FOR UPDATE). A caller that sends a builder's statement must hold the rows it
 * names in that order first. Counters go out to watchers after commit (`publishLockChanges`,
 * `publishStock`, from `watch.ts`, which also serves LotWatchV1).
 */
export {
	countersOf,
	deleteExpiredLockKeys,
	expireDueLocks,
	insufficient,
	lockHolder,
	lotColumns,
	lotUnavailable,
	releaseHolderLot,
	releaseShowLocks,
	requestHash,
	reserve,
	changeReservation,
	setReservePath,
	type ReservePath,
	showClosed,
	toLockView,
	type LockView,
	type LotCounters,
	type LotRow,
	type ReserveRequest,
	type ReserveResult
} from './reserve';
export {
	allocateFree,
	allocateFreeStatement,
	consumeCtes,
	CONSUMED_LOTS,
	counterRow,
	setOnHand,
	setOnHandStatement,
	settle,
	settleStatement,
	type CounterJson,
	type LockTake,
	type LotTake
} from './statements';
export {
	lotStock,
	publishLockChanges,
	publishShowLots,
	publishStock,
	publishStockRow,
	readStock,
	showLotCounters,
	type LotCounterRow
} from './watch';
