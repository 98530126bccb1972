import { and, eq, inArray, or } from 'drizzle-orm';
import { z } from '$lib/server/validation';
import { rooms, type StockChangedV1 } from '$lib/realtime/events';
import { db } from '../db';
import { lots } from '../db/schema';
import { socketAck } from '../edge';
import { currentIo, registerSocketModule } from './io';

function toEvent(r: {
	id: string;
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
}): StockChangedV1 {
	return {
		lotId: r.id,
		onHand: r.onHand,
		locked: r.locked,
		allocated: r.allocated,
		available: r.onHand - r.locked - r.allocated,
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
export function publishStockRow(row: Parameters<typeof toEvent>[0]): void {
	currentIo()?.to(rooms.lot(row.id)).emit('StockChangedV1', toEvent(row));
}

const WatchInput = z.object({ lotIds: z.array(z.uuid()).min(1).max(1000) });

registerSocketModule((_io, socket) => {
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
});
