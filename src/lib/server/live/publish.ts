import { inArray, sql } from 'drizzle-orm';
import { rooms, type ShowStockChangedV1 } from '$lib/realtime/events';
import { db } from '../db';
import { lots } from '../db/schema';
import { logger } from '../log';
import { currentIo } from '../realtime/io';
import { publishStockRow } from '../realtime/stock';

interface LotRowLike {
	id: string;
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
}

/** How long show-level counters may lag a burst of changes; the last state is always sent. */
const SHOW_THROTTLE_MS = 25;
const pending = new Map<string, Set<string>>();

/**
 * After a committed lock change: the lot's counters go out at once to everyone watching the lot
 * (from the row the transaction returned, no query); each affected show gets its own figures
 * (locked and sold in this show), throttled per show so a flash sale's thousands of changes a
 * second cost one query per show every few milliseconds, for all its lots that changed.
 */
export function publishLockChanges(lot: LotRowLike, showIds: string[]): void {
	if (!currentIo()) return;
	publishStockRow(lot);
	for (const showId of showIds) {
		const lotIds = pending.get(showId);
		if (lotIds) {
			lotIds.add(lot.id);
			continue;
		}
		pending.set(showId, new Set([lot.id]));
		setTimeout(() => {
			const ids = [...(pending.get(showId) ?? [])];
			pending.delete(showId);
			void publishShowLots(showId, ids).catch((err) =>
				logger().warn({ err, showId }, 'show counters publish failed')
			);
		}, SHOW_THROTTLE_MS).unref();
	}
}

/** Counters for some lots of one show, as the live console shows them. */
export async function showLotCounters(
	showId: string,
	lotIds: string[]
): Promise<ShowStockChangedV1[]> {
	if (lotIds.length === 0) return [];
	const rows = await db()
		.select({
			lotId: lots.id,
			onHand: lots.onHand,
			locked: lots.locked,
			allocated: lots.allocated,
			version: lots.stockVersion,
			// columns spelled out: drizzle leaves them unqualified in a one-table select
			lockedInShow: sql<number>`coalesce((select sum(sl.quantity) from stock_locks sl
				where sl.show_id = ${showId} and sl.lot_id = "lots"."id" and sl.status = 'active'), 0)`.mapWith(
				Number
			),
			// Units of this lot in the show's live orders (from locks or free stock), not counting
			// cancelled, out-of-stock or returned parcels, nor replacements: the orders module's
			// per-show counter.
			soldInShow: sql<number>`coalesce((select s.sold from show_lot_sales s
				where s.show_id = ${showId} and s.lot_id = "lots"."id"), 0)`.mapWith(Number)
		})
		.from(lots)
		.where(inArray(lots.id, lotIds));
	const at = new Date().toISOString();
	return rows.map((r) => ({
		showId,
		lotId: r.lotId,
		onHand: r.onHand,
		locked: r.locked,
		allocated: r.allocated,
		available: r.onHand - r.locked - r.allocated,
		version: Number(r.version),
		lockedInShow: r.lockedInShow,
		soldInShow: r.soldInShow,
		at
	}));
}

export async function publishShowLots(showId: string, lotIds: string[]): Promise<void> {
	const io = currentIo();
	if (!io) return;
	for (const c of await showLotCounters(showId, lotIds)) {
		io.to(rooms.show(showId)).emit('ShowStockChangedV1', c);
	}
}

export function publishShowChanged(show: {
	id: string;
	status: 'scheduled' | 'live' | 'ended' | 'cancelled';
	currentSlotId: string | null;
}): void {
	currentIo()?.to(rooms.show(show.id)).emit('ShowChangedV1', {
		showId: show.id,
		status: show.status,
		currentSlotId: show.currentSlotId,
		at: new Date().toISOString()
	});
}
