// Wires the live module into the running server: socket.io events and the lock expiry job.
import { z } from '$lib/server/validation';
import { DEFAULT_POLICY } from '$lib/domain/policy';
import { rooms } from '$lib/realtime/events';
import { socketAck } from '../edge';
import { registerSocketModule } from '../realtime/io';
import { registerJob } from '../jobs';
import { authorizeShow } from './access';
import { acquireLock, deleteExpiredLockKeys, expireDueLocks } from './locks';
import { showLotCounters } from './publish';
import { db } from '../db';
import { showSlots } from '../db/schema';
import { eq } from 'drizzle-orm';

const ShowRef = z.object({ showId: z.uuid('v.id') });
// The lock's own fields are checked by acquireLock (the same rules as the API's).
const LockInput = z.object({ showId: z.unknown() }).passthrough();

registerSocketModule((_io, socket) => {
	const actor = socket.data.principal;

	socket.on(
		'ShowWatchV1',
		socketAck(socket, 'ShowWatchV1', ShowRef, async ({ showId }) => {
			await authorizeShow(actor, showId, 'read');
			await socket.join(rooms.show(showId));
			const lotIds = (
				await db()
					.select({ lotId: showSlots.lotId })
					.from(showSlots)
					.where(eq(showSlots.showId, showId))
			).map((r) => r.lotId);
			return showLotCounters(showId, lotIds);
		})
	);

	socket.on('ShowUnwatchV1', (raw) => {
		const parsed = ShowRef.safeParse(raw);
		if (parsed.success) void socket.leave(rooms.show(parsed.data.showId));
	});

	socket.on(
		'LockAcquireV1',
		socketAck(socket, 'LockAcquireV1', LockInput, (raw) =>
			acquireLock(
				actor,
				typeof raw.showId === 'string' ? raw.showId : '',
				{ lotId: raw.lotId, quantity: raw.quantity },
				{ idempotencyKey: raw.idempotencyKey }
			)
		)
	);
});

registerJob({
	name: 'lock-expiry',
	everyMs: DEFAULT_POLICY.live.expirySweepSeconds * 1000,
	run: async () => {
		const n = await expireDueLocks();
		await deleteExpiredLockKeys();
		return n;
	}
});
