// The live module's wiring: socket.io events (watch a show, lock stock), the lock expiry job,
// the show counters pushed when stock changes, and its OpenAPI part.
import { z } from '$lib/server/validation';
import { currentPolicy } from '../platform/policy';
import { rooms } from '$lib/realtime/events';
import { socketAck } from '../edge';
import type { SocketHandler } from '../realtime/io';
import type { Module } from '../module';
import { authorizeShow } from './access';
import { acquireLock, deleteExpiredLockKeys, expireDueLocks } from './locks';
import { showLotCounters } from './publish';
import { liveOpenApi } from './openapi';
import { db } from '../db';
import { showSlots } from '../db/schema';
import { eq } from 'drizzle-orm';

const ShowRef = z.object({ showId: z.uuid('v.id') });
// The lock's own fields are checked by acquireLock (the same rules as the API's).
const LockInput = z.object({ showId: z.unknown() }).passthrough();

const showSocket: SocketHandler = (_io, socket) => {
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
};

export const liveModule: Module = {
	name: 'live',
	socketHandlers: [showSocket],
	jobs: [
		{
			name: 'lock-expiry',
			// read when the jobs start (after ready() took in the operator's policy)
			get everyMs() {
				return currentPolicy().live.expirySweepSeconds * 1000;
			},
			run: async () => {
				const n = await expireDueLocks();
				await deleteExpiredLockKeys();
				return n;
			}
		}
	],
	openapi: liveOpenApi
};
