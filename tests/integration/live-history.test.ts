// The lock record (锁定记录) the live console keeps current: the events newer than the last one
// it shows, for anyone who may read the show; a bad cursor is a 400 naming the field.
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/server/errors';
import { acquireLock, releaseLock } from '../../src/lib/server/live/locks';
import { createShow, lockHistory } from '../../src/lib/server/live/shows';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';
import { makeUser } from '../helpers/users';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

let host: Awaited<ReturnType<typeof demoActor>>;
let assistant: Awaited<ReturnType<typeof demoActor>>;
let lotIds: string[];
beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	assistant = await demoActor(DEMO_ACCOUNTS.assistant1);
	lotIds = await stockedLots(2, 100);
});

describe('lock history after an event', () => {
	it('gives only newer events, newest first, to every member of the team', async () => {
		const { id: showId } = await createShow(host.actor, {
			title: '记录',
			slots: lotIds.map((lotId) => ({ lotId }))
		});
		const a = await acquireLock(assistant.actor, showId, { lotId: lotIds[0], quantity: 10 });
		const all = await lockHistory(host.actor, showId);
		expect(all).toHaveLength(1);
		const seen = all[0]!.id;
		expect(await lockHistory(host.actor, showId, 200, { after: String(seen) })).toEqual([]);

		await acquireLock(host.actor, showId, { lotId: lotIds[1], quantity: 50 });
		await releaseLock(assistant.actor, a.lock.id);
		const newer = await lockHistory(host.actor, showId, 200, { after: String(seen) });
		expect(newer.map((e) => [e.kind, e.delta])).toEqual([
			['release', -10],
			['acquire', 50]
		]);
		expect(newer[0]!.id).toBeGreaterThan(newer[1]!.id);
		expect(newer.every((e) => e.id > seen)).toBe(true);
	});

	it('refuses a cursor that is not an event id (400, field after), and strangers (403)', async () => {
		const { id: showId } = await createShow(host.actor, {
			title: '记录2',
			slots: [{ lotId: lotIds[0]! }]
		});
		for (const after of ['abc', '-1', '1.5']) {
			const err = await lockHistory(host.actor, showId, 200, { after }).catch((e) => e);
			expect(err).toBeInstanceOf(AppError);
			expect((err as AppError).status).toBe(400);
			expect((err as AppError).field).toBe('after');
		}
		const buyer = await makeUser('buyer');
		const err = await lockHistory(sessionPrincipal(buyer.user) as never, showId).catch((e) => e);
		expect((err as AppError).status).toBe(403);
	});
});
