// The live module's wiring: socket.io events (watch a show, lock stock), the lock expiry job,
// the show counters pushed when stock changes, and its OpenAPI part.
import { z } from '$lib/server/validation';
import { currentPolicy } from '../platform/policy';
import type { Locale } from '$lib/i18n';
import { rooms, type AckResult } from '$lib/realtime/events';
import { AppError } from '../errors';
import { logger } from '../log';
import { translator } from '../http';
import { socketLocale, type SocketHandler } from '../realtime/io';
import type { Module } from '../module';
import { authorizeShow } from './access';
import { acquireLock, deleteExpiredLockKeys, expireDueLocks } from './locks';
import { publishLockChanges, showLotCounters } from './publish';
import { liveOpenApi } from './openapi';
import { db } from '../db';
import { showSlots } from '../db/schema';
import { eq } from 'drizzle-orm';

function failure(e: unknown, locale: Locale): AckResult<never> {
	if (e instanceof AppError) {
		const body = e.toJSON(translator(locale)).error;
		return { ok: false, error: body };
	}
	logger().error({ err: e }, 'socket handler failed');
	return { ok: false, error: { code: 'internal', message: 'Internal error.' } };
}

const ShowRef = z.object({ showId: z.uuid() });

const showSocket: SocketHandler = (_io, socket) => {
	const actor = socket.data.actor;

	socket.on('ShowWatchV1', async (raw, ack) => {
		if (typeof ack !== 'function') return;
		try {
			const parsed = ShowRef.safeParse(raw);
			if (!parsed.success) {
				throw new AppError('invalid', 'invalid_input', 'v.id', {
					field: 'showId'
				});
			}
			const { showId } = parsed.data;
			await authorizeShow(actor, showId, 'read');
			await socket.join(rooms.show(showId));
			const lotIds = (
				await db()
					.select({ lotId: showSlots.lotId })
					.from(showSlots)
					.where(eq(showSlots.showId, showId))
			).map((r) => r.lotId);
			ack({ ok: true, data: await showLotCounters(showId, lotIds) });
		} catch (e) {
			ack(failure(e, socketLocale(socket)));
		}
	});

	socket.on('ShowUnwatchV1', (raw) => {
		const parsed = ShowRef.safeParse(raw);
		if (parsed.success) void socket.leave(rooms.show(parsed.data.showId));
	});

	socket.on('LockAcquireV1', async (raw, ack) => {
		if (typeof ack !== 'function') return;
		try {
			const showId = typeof raw?.showId === 'string' ? raw.showId : '';
			const res = await acquireLock(
				actor,
				showId,
				{ lotId: raw?.lotId, quantity: raw?.quantity },
				{ idempotencyKey: raw?.idempotencyKey }
			);
			ack({ ok: true, data: res });
		} catch (e) {
			ack(failure(e, socketLocale(socket)));
		}
	});
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
	subscriptions: [
		{
			event: 'stock.changed',
			afterCommit: (e) => {
				for (const lot of e.lots) publishLockChanges(lot, e.showIds);
			}
		}
	],
	openapi: liveOpenApi
};
