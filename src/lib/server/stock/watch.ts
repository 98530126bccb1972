// Who sees lot counters: the lot-watch socket handler (LotWatchV1 / LotUnwatchV1), the counters
// pushed to lot and show watchers after a committed change, and the stock read of the API.
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from '$lib/server/validation';
import { available } from '$lib/domain/locks';
import { rooms, type ShowStockChangedV1, type StockChangedV1 } from '$lib/realtime/events';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { lots } from '../db/schema';
import { notFound } from '../errors';
import { socketAck } from '../edge';
import { isUuid } from '../ids';
import { logger } from '../log';
import { currentIo, type SocketHandler } from '../realtime/io';
import { publishCommitted } from '../events/bus';
import type { StockChanged } from '../events/map';

/** A lot's counters as a committed statement returned them. */
export interface LotCounterRow {
	id: string;
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
}

function toEvent(r: LotCounterRow): StockChangedV1 {
	return {
		lotId: r.id,
		onHand: r.onHand,
		locked: r.locked,
		allocated: r.allocated,
		available: available(r),
		version: r.stockVersion,
		at: new Date().toISOString()
	};
}

const stockColumns = {
	id: lots.id,
	onHand: lots.onHand,
	locked: lots.locked,
	allocated: lots.allocated,
	stockVersion: lots.stockVersion
};

/** Current counters for some lots (read from the database, which decides). */
export async function readStock(lotIds: string[]): Promise<StockChangedV1[]> {
	if (lotIds.length === 0) return [];
	const rows = await db().select(stockColumns).from(lots).where(inArray(lots.id, lotIds));
	return rows.map(toEvent);
}

/**
 * Pushes the lots' committed counters to everyone watching them, on every node (the socket.io
 * adapter relays). Call after the transaction that changed them has committed.
 */
export async function publishStock(lotIds: string[]): Promise<void> {
	const io = currentIo();
	if (!io || lotIds.length === 0) return;
	const events = await readStock([...new Set(lotIds)]);
	for (const e of events) io.to(rooms.lot(e.lotId)).emit('StockChangedV1', e);
}

/** Same, when the caller already has the committed row (saves a read on hot paths). */
export function publishStockRow(row: LotCounterRow): void {
	currentIo()?.to(rooms.lot(row.id)).emit('StockChangedV1', toEvent(row));
}

/** How long show-level counters may lag a burst of changes; the last state is always sent. */
const SHOW_THROTTLE_MS = 25;
const pending = new Map<string, Set<string>>();

/**
 * After a committed change of lots' counters: publishes `stock.changed` (events/map.ts), which
 * any module may follow after commit; the stock module's own subscriber (`pushCounters`) sends
 * them to the sockets. Nothing to do in a process without socket.io (tools, the bench).
 */
export function publishLockChanges(lot: LotCounterRow, showIds: string[]): void {
	if (!currentIo()) return;
	publishCommitted('stock.changed', { lots: [lot], showIds });
}

/**
 * `stock.changed` to the sockets: each lot's counters go out at once to everyone watching the lot
 * (from the row the transaction returned, no query); each affected show gets its own figures
 * (locked and sold in this show), throttled per show so a flash sale's thousands of changes a
 * second cost one query per show every few milliseconds, for all its lots that changed.
 */
export function pushCounters(e: StockChanged): void {
	if (!currentIo()) return;
	for (const lot of e.lots) {
		publishStockRow(lot);
		for (const showId of e.showIds) {
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
		available: available(r),
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

/** A lot's stock counters: active lots for anyone signed in, any lot for its own supplier. */
export async function lotStock(actor: Principal, lotId: string) {
	if (!isUuid(lotId)) throw notFound('Lot', 'lotId');
	const orgId = actor.orgId;
	const isOperator = actor.role === 'operator';
	const [l] = await db()
		.select(stockColumns)
		.from(lots)
		.where(
			and(
				eq(lots.id, lotId),
				isOperator ? undefined : or(eq(lots.status, 'active'), eq(lots.supplierId, orgId ?? lotId))
			)
		);
	if (!l) throw notFound('Lot', 'lotId');
	return {
		lotId: l.id,
		onHand: l.onHand,
		locked: l.locked,
		allocated: l.allocated,
		available: available(l),
		version: Number(l.stockVersion)
	};
}

const WatchInput = z.object({ lotIds: z.array(z.uuid()).min(1).max(1000) });

/** LotWatchV1 / LotUnwatchV1: watching lots' counters (the stock module's socket handler). */
export const lotWatchHandler: SocketHandler = (_io, socket) => {
	socket.on(
		'LotWatchV1',
		socketAck(socket, 'LotWatchV1', WatchInput, async ({ lotIds }) => {
			const orgId = socket.data.principal.orgId;
			// Anyone signed in may watch active lots (their stock is shown in the catalog);
			// a supplier may also watch its own lots in any status.
			const visible = await db()
				.select(stockColumns)
				.from(lots)
				.where(
					and(
						inArray(lots.id, lotIds),
						orgId
							? or(eq(lots.status, 'active'), eq(lots.supplierId, orgId))
							: eq(lots.status, 'active')
					)
				);
			for (const r of visible) await socket.join(rooms.lot(r.id));
			return visible.map(toEvent);
		})
	);
	socket.on('LotUnwatchV1', (raw) => {
		const parsed = WatchInput.safeParse(raw);
		if (!parsed.success) return;
		for (const id of parsed.data.lotIds) void socket.leave(rooms.lot(id));
	});
};
