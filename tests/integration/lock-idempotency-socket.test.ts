import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { stockLocks } from '../../src/lib/server/db/schema';
import { createShow } from '../../src/lib/server/live/shows';
import { DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';
import { demoSocketServer } from '../helpers/sockets';

const clients = demoSocketServer();

describe('LockAcquireV1 with an idempotencyKey', () => {
	it('a re-sent event (same key, same body) acks the same lock; another body is idempotency_mismatch', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const [lotId] = await stockedLots(1, 50);
		const { id: showId } = await createShow(host.actor, {
			title: '幂等专场',
			slots: [{ lotId: lotId! }]
		});
		const s = await clients.connect(host.token);
		const send = (quantity: number, idempotencyKey?: string) =>
			s.timeout(3000).emitWithAck('LockAcquireV1', {
				showId,
				lotId: lotId!,
				quantity,
				...(idempotencyKey ? { idempotencyKey } : {})
			});
		const [a, b] = await Promise.all([send(5, 'sock-1'), send(5, 'sock-1')]);
		const c = await send(5, 'sock-1');
		expect(a.ok && b.ok && c.ok).toBe(true);
		if (!a.ok || !b.ok || !c.ok) return;
		expect(new Set([a.data.lock.id, b.data.lock.id, c.data.lock.id]).size).toBe(1);
		expect([a.data.replayed, b.data.replayed, c.data.replayed].filter((r) => !r)).toHaveLength(1);
		expect(c.data.counters.locked).toBe(5);
		const mismatch = await send(6, 'sock-1');
		expect(mismatch).toMatchObject({
			ok: false,
			error: { code: 'idempotency_mismatch', field: 'idempotencyKey' }
		});
		const badKey = await send(1, 'not a key');
		expect(badKey).toMatchObject({ ok: false, error: { field: 'idempotencyKey' } });
		const held = await db().select().from(stockLocks).where(eq(stockLocks.showId, showId));
		expect(held).toHaveLength(1);
	});
});
