import { describe, expect, it } from 'vitest';
import type { ShowStockChangedV1 } from '../../src/lib/realtime/events';
import { createShow } from '../../src/lib/server/live/shows';
import { DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';
import { demoSocketServer } from '../helpers/sockets';
import { makeUser } from '../helpers/users';

const clients = demoSocketServer();
const client = (token: string) => clients.connect(token);

describe('live show over socket.io', () => {
	it('locks with an acknowledgement and pushes show counters to watchers', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const assistant = await demoActor(DEMO_ACCOUNTS.assistant2);
		const [lotId] = await stockedLots(1, 5);
		const { id: showId } = await createShow(host.actor, {
			title: '周五专场',
			slots: [{ lotId: lotId! }]
		});

		const watcher = await client(host.token);
		const snap = await watcher.timeout(3000).emitWithAck('ShowWatchV1', { showId });
		expect(snap.ok && snap.data[0]).toMatchObject({ lotId, lockedInShow: 0, available: 5 });
		const pushed: ShowStockChangedV1[] = [];
		watcher.on('ShowStockChangedV1', (p) => pushed.push(p));

		const locker = await client(assistant.token);
		const ok = await locker
			.timeout(3000)
			.emitWithAck('LockAcquireV1', { showId, lotId: lotId!, quantity: 4 });
		expect(ok).toMatchObject({
			ok: true,
			data: { lock: { quantity: 4 }, counters: { available: 1 } }
		});
		const refused = await locker
			.timeout(3000)
			.emitWithAck('LockAcquireV1', { showId, lotId: lotId!, quantity: 2 });
		expect(refused).toMatchObject({
			ok: false,
			error: {
				code: 'insufficient_stock',
				available: 1,
				message: 'Only 1 units are free for this lot.'
			}
		});
		// An ack's message is in the socket's language (its locale cookie).
		const zhLocker = await clients.connect(assistant.token, 'zh-CN');
		const zhRefused = await zhLocker
			.timeout(3000)
			.emitWithAck('LockAcquireV1', { showId, lotId: lotId!, quantity: 2 });
		expect(zhRefused).toMatchObject({
			ok: false,
			error: { code: 'insufficient_stock', message: '该货品只剩 1 件可锁定。' }
		});
		const bad = await locker
			.timeout(3000)
			.emitWithAck('LockAcquireV1', { showId, lotId: lotId!, quantity: 0.5 });
		expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'quantity' } });

		await expect.poll(() => pushed.at(-1)?.lockedInShow, { timeout: 3000 }).toBe(4);
		expect(pushed.at(-1)).toMatchObject({ showId, lotId, available: 1, locked: 4 });
	});

	it('refuses to let another team watch or lock the show', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const [lotId] = await stockedLots(1, 5);
		const { id: showId } = await createShow(host.actor, {
			title: '别人的专场',
			slots: [{ lotId: lotId! }]
		});
		const other = await makeUser('host');
		const s = await client(other.token);
		const watch = await s.timeout(3000).emitWithAck('ShowWatchV1', { showId });
		expect(watch).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		const lock = await s
			.timeout(3000)
			.emitWithAck('LockAcquireV1', { showId, lotId: lotId!, quantity: 1 });
		expect(lock).toMatchObject({ ok: false, error: { code: 'forbidden' } });
	});
});
