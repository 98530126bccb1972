import { rooms, type FulfilmentChangedV1 } from '$lib/realtime/events';
import type { Fulfilment } from '../db/schema';
import { logger } from '../log';
import { currentIo } from '../realtime/io';

/**
 * After a commit, from the rows the caller already holds: tells the supplier's queue, the host team and the show's watchers that these
 * fulfilments appeared or moved, one message per room. Through the socket.io adapter this
 * reaches every node.
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
			io.to(rooms.org(supplierId)).emit('FulfilmentsChangedV1', { items: list });
		}
		for (const [key, list] of byAudience) {
			const [teamId, showId] = key.split('|') as [string, string];
			io.to([rooms.org(teamId), rooms.show(showId)]).emit('FulfilmentsChangedV1', { items: list });
		}
	} catch (err) {
		logger().warn({ err }, 'fulfilment publish failed');
	}
}
