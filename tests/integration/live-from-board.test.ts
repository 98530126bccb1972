import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createBoardWithContent, listBoards } from '../../src/lib/server/boards/service';
import { AppError } from '../../src/lib/server/errors';
import { createShowFromBoard, getShow } from '../../src/lib/server/live/shows';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';
import { makeUser } from '../helpers/users';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

beforeAll(async () => {
	await seedDemoIfEmpty();
});

describe('a show from a board', () => {
	it('takes the board’s slots as the line-up, in on-air order, with prices and stock to lock', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const boards = await listBoards(host.actor);
		const demo = boards.find((b) => b.name.includes('清仓专场') && !b.isTemplate)!;
		const { id } = await createShowFromBoard(host.actor, { boardId: demo.id });
		const s = await getShow(host.actor, id);
		expect(s.show).toMatchObject({ title: demo.name, boardId: demo.id, status: 'scheduled' });
		expect(s.show.scheduledAt?.toISOString()).toBe('2026-12-04T12:00:00.000Z');
		expect(s.slots.map((x) => x.plannedLockQty)).toEqual([200, 100, 80, 60, 120]);
		expect(s.slots.every((x) => x.livePriceFen > 0)).toBe(true);
	});

	it('refuses another team (403), an assistant of the board’s team may start it, and an empty board is 422', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const demo = (await listBoards(host.actor)).find(
			(b) => b.name.includes('清仓专场') && !b.isTemplate
		)!;
		const other = await makeUser('host');
		expect(
			(await caught(createShowFromBoard(sessionPrincipal(other.user), { boardId: demo.id }))).status
		).toBe(403);
		const assistant = await demoActor(DEMO_ACCOUNTS.assistant1);
		expect(
			(await createShowFromBoard(assistant.actor, { boardId: demo.id, title: '加场' })).id
		).toBeTruthy();
		const empty = await createBoardWithContent(
			host.actor.orgId!,
			host.actor.userId!,
			'空看板',
			Y.encodeStateAsUpdate(new Y.Doc())
		);
		const e = await caught(createShowFromBoard(host.actor, { boardId: empty }));
		expect([e.status, e.code]).toEqual([422, 'board_empty']);
		expect((await caught(createShowFromBoard(host.actor, { boardId: 'nope' }))).field).toBe(
			'boardId'
		);
	});
});
