import { rooms, type FulfilmentChangedV1 } from '$lib/realtime/events';
import type { Fulfilment } from '../db/schema';
import { logger } from '../log';
import { currentIo } from '../realtime/io';

/**
 * After a commit, from the rows the caller already holds: tells the supplier's queue, the host
 * team and the show's watchers that these fulfilments appeared or moved, one message per room
 * (per ITEMS_PER_MESSAGE items). Through the socket.io adapter this reaches every node.
 */
export function publishFulfilmentsChanged(
	rows: Pick<
		Fulfilment,
		'id' | 'orderId' | 'showId' | 'supplierId' | 'teamId' | 'number' | 'status'
	>[],
	change: FulfilmentChangedV1['change']
): void {
	const io = currentIo();
	if (!io || rows.length === 0) return;
	try {
		const at = new Date().toISOString();
		const items: FulfilmentChangedV1[] = rows.map((r) => ({
			fulfilmentId: r.id,
			orderId: r.orderId,
			showId: r.showId,
			supplierId: r.supplierId,
			teamId: r.teamId,
			number: r.number,
			status: r.status,
			change,
			at
		}));
		// Each supplier hears only of its own parcels; the team and the show's watchers of all.
		const bySupplier = new Map<string, FulfilmentChangedV1[]>();
		const byAudience = new Map<string, FulfilmentChangedV1[]>();
		for (const it of items) {
			bySupplier.set(it.supplierId, [...(bySupplier.get(it.supplierId) ?? []), it]);
			const key = `${it.teamId}|${it.showId}`;
			byAudience.set(key, [...(byAudience.get(key) ?? []), it]);
		}
		for (const [supplierId, list] of bySupplier) {
			for (const part of chunks(list)) {
				io.to(rooms.org(supplierId)).emit('FulfilmentsChangedV1', { items: part });
			}
		}
		for (const [key, list] of byAudience) {
			const [teamId, showId] = key.split('|') as [string, string];
			for (const part of chunks(list)) {
				io.to([rooms.org(teamId), rooms.show(showId)]).emit('FulfilmentsChangedV1', {
					items: part
				});
			}
		}
	} catch (err) {
		logger().warn({ err }, 'fulfilment publish failed');
	}
}

/**
 * Items per message. A message of about 300 bytes an item stays under the Postgres adapter's
 * 8,000-byte NOTIFY limit; a bigger one would be written to a table and read back by every node
 * (an insert, its commit and a select per message), which a batch of a flash sale's orders made
 * the common case.
 */
const ITEMS_PER_MESSAGE = 16;

function chunks<T>(list: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += ITEMS_PER_MESSAGE) {
		out.push(list.slice(i, i + ITEMS_PER_MESSAGE));
	}
	return out;
}
