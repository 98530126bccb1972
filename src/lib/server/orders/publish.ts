import { inArray } from 'drizzle-orm';
import { rooms, type FulfilmentChangedV1 } from '$lib/realtime/events';
import { db } from '../db';
import { fulfilments } from '../db/schema';
import { logger } from '../log';
import { currentIo } from '../realtime/io';

/**
 * After a commit: tells the supplier's queue, the host team and the show's watchers that these
 * fulfilments appeared or moved. Through the socket.io adapter this reaches every node.
 */
export async function publishFulfilmentsChanged(
	ids: string[],
	change: FulfilmentChangedV1['change']
): Promise<void> {
	const io = currentIo();
	if (!io || ids.length === 0) return;
	try {
		const rows = await db()
			.select({
				id: fulfilments.id,
				orderId: fulfilments.orderId,
				showId: fulfilments.showId,
				supplierId: fulfilments.supplierId,
				teamId: fulfilments.teamId,
				number: fulfilments.number,
				status: fulfilments.status
			})
			.from(fulfilments)
			.where(inArray(fulfilments.id, ids));
		const at = new Date().toISOString();
		for (const r of rows) {
			const event: FulfilmentChangedV1 = {
				fulfilmentId: r.id,
				orderId: r.orderId,
				showId: r.showId,
				supplierId: r.supplierId,
				teamId: r.teamId,
				number: r.number,
				status: r.status,
				change,
				at
			};
			io.to([rooms.org(r.supplierId), rooms.org(r.teamId), rooms.show(r.showId)]).emit(
				'FulfilmentChangedV1',
				event
			);
		}
	} catch (err) {
		logger().warn({ err }, 'fulfilment publish failed');
	}
}
