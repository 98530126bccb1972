import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { addSlot, buildBoardState, readSlots, slotsFromState } from '../../src/lib/collab/board';
import { createApiToken } from '../../src/lib/server/auth/service';
import {
	addViewer,
	archiveBoard,
	boardAccess,
	boardContent,
	createBoard,
	createBoardWithContent,
	duplicateBoard,
	getBoard,
	listBoards,
	readBoardLineup,
	readBoardSlots,
	removeViewer,
	renameBoard,
	restoreBoard
} from '../../src/lib/server/boards/service';
import { lotSummaries, searchLotsForBoard } from '../../src/lib/server/boards/lots';
import { runOfShow, runOfShowCsv } from '../../src/lib/server/boards/export';
import { loadBoardState } from '../../src/lib/server/boards/store';
import { authenticateApiToken } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { lotMedia, lots, suppliers } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { createShow } from '../../src/lib/server/live/shows';
import { makeMember, makeUser } from '../helpers/users';
import * as Y from 'yjs';
import {
	sessionPrincipal,
	tokenPrincipal,
	type Principal
} from '../../src/lib/server/auth/principal';
import type { SessionUser } from '../../src/lib/server/auth/session';

const as = (u: { user: SessionUser }): Principal => sessionPrincipal(u.user);

async function rejects(p: Promise<unknown>, status: number, field?: string) {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(AppError);
	expect((e as AppError).status).toBe(status);
	if (field) expect((e as AppError).field).toBe(field);
}

let host: Awaited<ReturnType<typeof makeUser>>;
let assistant: Awaited<ReturnType<typeof makeMember>>;
let otherHost: Awaited<ReturnType<typeof makeUser>>;
let buyer: Awaited<ReturnType<typeof makeUser>>;
let operator: Awaited<ReturnType<typeof makeMember>>;
let lotIds: string[];

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await makeUser('host', { orgName: '测试直播间' });
	assistant = await makeMember('assistant', host.orgId);
	otherHost = await makeUser('host', { orgName: '别家直播间' });
	buyer = await makeUser('buyer');
	operator = await makeMember('operator', null);
	lotIds = (await db().select({ id: lots.id }).from(lots).limit(4)).map((l) => l.id);
});

describe('board service: who may do what', () => {
	it('lets the host create a board that the assistant sees and renames; others are refused', async () => {
		const { id } = await createBoard(as(host), {
			name: '周五专场',
			broadcastAt: '2026-12-04T20:00'
		});
		const view = await getBoard(as(assistant), id);
		expect(view).toMatchObject({ name: '周五专场', access: 'write', status: 'active' });
		expect((await listBoards(as(assistant))).map((b) => b.id)).toContain(id);
		await renameBoard(as(assistant), id, { name: '周五清仓专场' });
		expect((await getBoard(as(host), id)).name).toBe('周五清仓专场');
		// datetime-local input is China time
		const stored = slotsFromState(await loadBoardState(id));
		expect(stored.meta.broadcastAt).toBe('2026-12-04T12:00:00.000Z');

		expect(await boardAccess(as(otherHost), id)).toBeNull();
		expect(await boardAccess(as(buyer), id)).toBeNull();
		expect(await boardAccess(as(operator), id)).toBe('read');
		await rejects(getBoard(as(otherHost), id), 403);
		await rejects(renameBoard(as(otherHost), id, { name: 'x' }), 403);
		await rejects(renameBoard(as(operator), id, { name: 'x' }), 403);
		await rejects(duplicateBoard(as(otherHost), id), 403);
		expect((await listBoards(as(otherHost))).map((b) => b.id)).not.toContain(id);
		// the operator lists every team's boards, read-only
		expect((await listBoards(as(operator))).map((b) => b.id)).toContain(id);
	});

	it('refuses buyers and suppliers, and answers 404 for unknown boards', async () => {
		await rejects(createBoard(as(buyer), { name: 'x' }), 403);
		await rejects(listBoards(as(buyer)), 403);
		const missing = '00000000-0000-4000-8000-000000000000';
		expect(await boardAccess(as(host), missing)).toBeUndefined();
		expect(await boardAccess(as(host), 'not-a-board')).toBeUndefined();
		await rejects(getBoard(as(host), missing), 404);
	});

	it('validates input and names the field', async () => {
		await rejects(createBoard(as(host), { name: '  ' }), 400, 'name');
		await rejects(
			createBoard(as(host), { name: 'x', broadcastAt: 'tomorrow' }),
			400,
			'broadcastAt'
		);
		await rejects(createBoard(as(host), { name: 'x', templateId: 'nope' }), 400, 'templateId');
		await rejects(createBoard(as(host), { name: 'x'.repeat(81) }), 400, 'name');
	});

	it('archives to read-only and restores', async () => {
		const { id } = await createBoard(as(host), { name: '归档测试' });
		await archiveBoard(as(assistant), id);
		expect(await boardAccess(as(host), id)).toBe('read');
		expect((await listBoards(as(host))).map((b) => b.id)).not.toContain(id);
		expect((await listBoards(as(host), { status: 'archived' })).map((b) => b.id)).toContain(id);
		await restoreBoard(as(host), id);
		expect(await boardAccess(as(host), id)).toBe('write');
	});

	it('creates from a template of the same team only, and duplicates content without history', async () => {
		const doc = new Y.Doc();
		addSlot(doc, { lotId: lotIds[0]!, script: '开场话术', checklist: [{ text: '灯光' }] });
		addSlot(doc, { lotId: lotIds[1]!, livePriceFen: 1990 });
		const templateId = await createBoardWithContent(
			host.orgId,
			host.userId,
			'模板',
			Y.encodeStateAsUpdate(doc),
			{ isTemplate: true }
		);
		expect((await listBoards(as(host), { status: 'templates' })).map((b) => b.id)).toContain(
			templateId
		);
		expect((await listBoards(as(host))).map((b) => b.id)).not.toContain(templateId);

		const { id } = await createBoard(as(assistant), { name: '从模板', templateId });
		const slots = await readBoardSlots(id);
		expect(slots.map((s) => s.lotId)).toEqual([lotIds[0], lotIds[1]]);
		expect(slots[0]).toMatchObject({ script: '开场话术', position: 1 });
		expect(slots[0]!.checklist.map((c) => c.text)).toEqual(['灯光']);
		expect(slots[1]!.livePriceFen).toBe(1990);
		expect(slots[0]!.id).not.toBe(readSlots(doc)[0]!.id);

		await rejects(createBoard(as(otherHost), { name: 'x', templateId }), 400, 'templateId');

		const copy = await duplicateBoard(as(host), id, { name: '副本', asTemplate: true });
		const copied = await getBoard(as(host), copy.id);
		expect(copied).toMatchObject({ name: '副本', isTemplate: true });
		expect((await readBoardSlots(copy.id)).map((s) => s.script)).toEqual(['开场话术', '']);
	});

	it('gives viewers of another team read access only, and lists the board for them', async () => {
		const { id } = await createBoard(as(host), { name: '共享看板' });
		const partner = await makeMember('assistant', otherHost.orgId);
		await rejects(addViewer(as(host), id, { email: buyer.email }), 422, 'email');
		await rejects(addViewer(as(host), id, { email: assistant.email }), 422, 'email');
		await rejects(addViewer(as(host), id, { email: 'nobody@test.lotlive.cn' }), 404, 'email');
		await rejects(addViewer(as(otherHost), id, { email: partner.email }), 403);
		await addViewer(as(host), id, { email: partner.email });
		expect(await boardAccess(as(partner), id)).toBe('read');
		expect(await boardAccess(as(otherHost), id)).toBeNull();
		expect((await listBoards(as(partner))).map((b) => b.id)).toContain(id);
		await rejects(renameBoard(as(partner), id, { name: 'x' }), 403);
		await removeViewer(as(host), id, partner.userId);
		expect(await boardAccess(as(partner), id)).toBeNull();
	});

	it("lets the team's API token write and nobody else's", async () => {
		const { id } = await createBoard(as(host), { name: 'API' });
		const mine = tokenPrincipal(
			(await authenticateApiToken((await createApiToken(host.principal, { name: 'a' })).token))!
		);
		const theirs = tokenPrincipal(
			(await authenticateApiToken(
				(await createApiToken(otherHost.principal, { name: 'b' })).token
			))!
		);
		expect(await boardAccess(mine, id)).toBe('write');
		expect(await boardAccess(theirs, id)).toBeNull();
		expect((await boardContent(mine, id)).board.id).toBe(id);
	});

	it('readBoardSlots reads the persisted state in on-air order and 404s for unknown boards', async () => {
		const id = await createBoardWithContent(
			host.orgId,
			host.userId,
			'顺序',
			buildBoardState({}, [
				{ lotId: lotIds[2]!, plannedAt: '20:00' },
				{ lotId: lotIds[3]!, plannedAt: '20:10', crossSell: { role: 'traffic', pairIndex: 0 } }
			])
		);
		const slots = await readBoardSlots(id);
		expect(slots.map((s) => [s.position, s.lotId, s.plannedAt])).toEqual([
			[1, lotIds[2], '20:00'],
			[2, lotIds[3], '20:10']
		]);
		// a one-sided pair is not a pair
		expect(slots[1]!.crossSell).toBeNull();
		await rejects(readBoardSlots('00000000-0000-4000-8000-000000000000'), 404);
	});
});

describe('catalog reads for boards', () => {
	it('finds active lots of admitted suppliers with stock and media', async () => {
		const [lot] = await db().select().from(lots).where(eq(lots.status, 'active')).limit(1);
		await db().insert(lotMedia).values({
			lotId: lot!.id,
			kind: 'defect_video',
			storageKey: 'lots/demo/defect.mp4',
			mime: 'video/mp4',
			bytes: 1000
		});
		const [s] = await lotSummaries([lot!.id, 'junk']);
		expect(s).toMatchObject({
			id: lot!.id,
			title: lot!.title,
			stock: { onHand: lot!.onHand, available: lot!.onHand - lot!.locked - lot!.allocated },
			media: expect.arrayContaining([
				expect.objectContaining({ kind: 'defect_video', url: '/media/lots/demo/defect.mp4' })
			])
		});
		const word = lot!.title.split(' ')[1]!;
		const found = await searchLotsForBoard(word, 50);
		expect(found.length).toBeGreaterThan(0);
		expect(found.every((l) => l.title.toLowerCase().includes(word.toLowerCase()))).toBe(true);
		expect(await searchLotsForBoard('绝对不存在的货品名称', 5)).toEqual([]);

		await db().update(lots).set({ status: 'blocked' }).where(eq(lots.id, lot!.id));
		expect(await lotSummaries([lot!.id])).toEqual([]);
		await db().update(lots).set({ status: 'active' }).where(eq(lots.id, lot!.id));
		await db()
			.update(suppliers)
			.set({ status: 'blocked' })
			.where(eq(suppliers.orgId, lot!.supplierId));
		expect(await lotSummaries([lot!.id])).toEqual([]);
		await db()
			.update(suppliers)
			.set({ status: 'admitted' })
			.where(eq(suppliers.orgId, lot!.supplierId));
	});

	it('seeds a demo board with slots for the demo team', async () => {
		const boards = await db().query.boards.findMany();
		const demo = boards.find((b) => b.name.includes('清仓专场'));
		expect(demo).toBeDefined();
		const slots = await readBoardSlots(demo!.id);
		expect(slots.length).toBeGreaterThanOrEqual(5);
		expect(slots[0]!.crossSell?.role).toBe('traffic');
		expect(slots[1]!.crossSell).toEqual({ role: 'profit', pairSlotId: slots[0]!.id });
	});
});

describe('run of show export', () => {
	it('joins slots with the catalog and writes a spreadsheet-safe CSV', async () => {
		const id = await createBoardWithContent(
			host.orgId,
			host.userId,
			'导出',
			buildBoardState({}, [
				{
					lotId: lotIds[0]!,
					plannedAt: '20:00',
					livePriceFen: 1990,
					lockQty: 30,
					script: '=HYPERLINK("http://evil")',
					notes: '第一行\n第二行, 带逗号',
					checklist: [{ text: '试穿', done: true }, { text: '上链接' }],
					crossSell: { role: 'traffic', pairIndex: 1 }
				},
				{ lotId: lotIds[1]!, crossSell: { role: 'profit', pairIndex: 0 } }
			])
		);
		await rejects(runOfShow(as(otherHost), id), 403);
		const { rows } = await runOfShow(as(assistant), id);
		const [lot] = await lotSummaries([lotIds[0]!]);
		expect(rows[0]).toMatchObject({
			position: 1,
			title: lot!.title,
			available: lot!.stock.available,
			crossSell: { role: 'traffic', pairPosition: 2 }
		});
		const csv = runOfShowCsv(rows, 'zh-CN');
		expect(csv.startsWith('\ufeff序号,上播时间,货品,')).toBe(true);
		const lines = csv.split('\r\n');
		expect(lines[1]).toContain(`1,20:00,${lot!.title},${lotIds[0]},`);
		expect(lines[1]).toContain(',19.90,');
		expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
		expect(csv).toContain('"第一行\n第二行, 带逗号"');
		expect(csv).toContain('引流款 ↔ #2');
		expect(csv).toContain('"☑ 试穿\n☐ 上链接"');
		expect(runOfShowCsv(rows, 'en').startsWith('\ufeffNo.,On air at,Lot,')).toBe(true);
	});
});

describe('boards feed live shows', () => {
	it('turns a board into a line-up that createShow accepts', async () => {
		const dropship = (
			await db()
				.select({ id: lots.id })
				.from(lots)
				.where(and(eq(lots.status, 'active'), eq(lots.dropshipAllowed, true)))
				.limit(2)
		).map((l) => l.id);
		const id = await createBoardWithContent(
			host.orgId,
			host.userId,
			'开播',
			buildBoardState({ broadcastAt: '2026-12-04T12:00:00.000Z' }, [
				{ lotId: dropship[0]!, plannedAt: '20:00', livePriceFen: 1990, lockQty: 50, notes: '先讲' },
				{ lotId: dropship[1]!, plannedAt: '20:15', lockQty: 20 },
				{ lotId: dropship[0]!, plannedAt: '21:00' }
			])
		);
		const lineup = await readBoardLineup(id);
		expect(lineup.scheduledAt).toBe('2026-12-04T12:00:00.000Z');
		expect(lineup.slots).toHaveLength(2);
		expect(lineup.slots[0]).toMatchObject({
			lotId: dropship[0],
			livePriceFen: 1990,
			plannedLockQty: 50,
			plannedAt: '2026-12-04T12:00:00.000Z',
			note: '先讲'
		});
		expect(lineup.slots[1]!.plannedAt).toBe('2026-12-04T12:15:00.000Z');
		const show = await createShow(as(host), { title: '周五开播', boardId: id, ...lineup });
		expect(show.id).toBeTruthy();
	});
});
