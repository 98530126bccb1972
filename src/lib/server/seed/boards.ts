import { and, asc, eq, like } from 'drizzle-orm';
import { buildBoardState, type SlotInit } from '$lib/collab/board';
import { createBoardWithContent } from '../boards/service';
import { db } from '../db';
import { lots, orgs, users } from '../db/schema';
import { DEMO_ACCOUNTS } from './accounts';

/** The demo host team's boards: one upcoming broadcast and one template. Deterministic. */
export async function seedDemoBoards(): Promise<void> {
	const [team] = await db()
		.select({ id: orgs.id })
		.from(orgs)
		.where(and(eq(orgs.kind, 'host_team'), eq(orgs.name, '小鹿直播间')))
		.limit(1);
	const [host] = await db()
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, DEMO_ACCOUNTS.host))
		.limit(1);
	if (!team || !host) return;
	const pick = async (path: string, grade?: 'A' | 'B' | 'C') => {
		const [lot] = await db()
			.select({ id: lots.id, unitPriceFen: lots.unitPriceFen, moq: lots.moq })
			.from(lots)
			.where(
				and(
					like(lots.categoryPath, `${path}%`),
					eq(lots.status, 'active'),
					// a board is planned for a live show, which sells by dropship only
					eq(lots.dropshipAllowed, true),
					grade ? eq(lots.grade, grade) : undefined
				)
			)
			.orderBy(asc(lots.seq))
			.limit(1);
		return lot;
	};
	const t = await pick('apparel/women/tshirts', 'C');
	const h = await pick('apparel/men/hoodies', 'B');
	const d = await pick('apparel/women/dresses', 'B');
	const s = await pick('shoes/sneakers');
	const k = await pick('apparel/kids/sets');
	if (!t || !h || !d || !s || !k) return;
	const live = (fen: number) => Math.max(100, Math.round((fen * 0.9) / 100) * 100);
	const slots: SlotInit[] = [
		{
			lotId: t.id,
			plannedAt: '20:00',
			livePriceFen: live(t.unitPriceFen),
			lockQty: 200,
			script: '开场引流款：纯棉T恤，C 品局部有染色印记，镜头前展示瑕疵位置，不影响穿着。',
			checklist: [{ text: '试穿展示', done: true }, { text: '特写瑕疵位置' }],
			crossSell: { role: 'traffic', pairIndex: 1 }
		},
		{
			lotId: h.id,
			plannedAt: '20:10',
			livePriceFen: live(h.unitPriceFen),
			lockQty: 100,
			script: '利润款：加绒卫衣，B 品袖口有线头，主播现场剪掉演示。搭配上一款T恤一起拍立减。',
			notes: '和T恤同框讲解',
			checklist: [{ text: '准备剪刀' }],
			crossSell: { role: 'profit', pairIndex: 0 }
		},
		{
			lotId: d.id,
			plannedAt: '20:25',
			livePriceFen: live(d.unitPriceFen),
			lockQty: 80,
			script: '连衣裙：微瑕说明要讲清楚，吊牌价对比到手价。'
		},
		{ lotId: s.id, plannedAt: '20:40', livePriceFen: live(s.unitPriceFen), lockQty: 60 },
		{ lotId: k.id, plannedAt: '20:55', livePriceFen: live(k.unitPriceFen), lockQty: 120 }
	];
	await createBoardWithContent(
		team.id,
		host.id,
		'周五晚 8 点 · 清仓专场',
		buildBoardState({ broadcastAt: '2026-12-04T12:00:00.000Z' }, slots)
	);
	await createBoardWithContent(
		team.id,
		host.id,
		'标准开场模板',
		buildBoardState({}, [
			{
				lotId: t.id,
				plannedAt: '20:00',
				script: '开场：欢迎来到小鹿直播间，今晚全场尾货清仓，瑕疵都会在镜头前讲清楚。',
				checklist: [{ text: '灯光、声音检查' }, { text: '上架链接' }, { text: '预告福利' }]
			}
		]),
		{ isTemplate: true }
	);
}
