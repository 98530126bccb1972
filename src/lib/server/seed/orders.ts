import { desc, eq, and, inArray } from 'drizzle-orm';
import { deriveLotFields } from '$lib/domain/pricing';
import { apportionSizes } from '$lib/domain/sizes';
import { sessionPrincipal, type Principal } from '../auth/principal';
import { db } from '../db';
import { freightRates, lots, orgs, users } from '../db/schema';
import { acquireLock } from '../live/locks';
import { setOnHand } from '../stock';
import { createShow, transitionShow, updateShow } from '../live/shows';
import { placeOrder, transitionFulfilment } from '../orders';
import { forgetFreightRates } from '../orders/freight';
import { DEMO_ACCOUNTS } from './accounts';

const ORIGINS = ['广东省', '福建省', '浙江省'];
/** Destination provinces and a distance factor (percent) from the southern warehouses. */
const DESTS: [string, number][] = [
	['广东省', 60],
	['福建省', 70],
	['浙江省', 70],
	['上海市', 80],
	['江苏省', 85],
	['山东省', 100],
	['北京市', 110],
	['河南省', 100],
	['湖北省', 90],
	['四川省', 115],
	['辽宁省', 125],
	['新疆维吾尔自治区', 180]
];

/**
 * Partner freight rates for every demo route, in two tiers: parcels (1+ pieces) and bulk
 * (100+ pieces; Guangzhou → Shandong 500 pieces: market ¥2000, partner ¥1600, as in DOMAIN.md).
 */
function demoFreightRates() {
	const rows: (typeof freightRates.$inferInsert)[] = [];
	for (const origin of ORIGINS) {
		for (const [dest, f] of DESTS) {
			const k = (n: number) => Math.round((n * f) / 100);
			rows.push({
				originProvince: origin,
				destProvince: dest,
				minPieces: 1,
				partnerBaseFen: k(600),
				partnerPerPieceFen: k(150),
				marketBaseFen: k(1000),
				marketPerPieceFen: k(220),
				carrier: '中通快递'
			});
			rows.push({
				originProvince: origin,
				destProvince: dest,
				minPieces: 100,
				partnerBaseFen: 0,
				partnerPerPieceFen: k(320),
				marketBaseFen: 0,
				marketPerPieceFen: k(400),
				carrier: '德邦物流'
			});
		}
	}
	return rows;
}

export async function actorOf(email: string): Promise<Principal> {
	const [u] = await db()
		.select({
			id: users.id,
			email: users.email,
			displayName: users.displayName,
			role: users.role,
			orgId: users.orgId,
			orgName: orgs.name,
			locale: users.locale
		})
		.from(users)
		.leftJoin(orgs, eq(orgs.id, users.orgId))
		.where(eq(users.email, email));
	if (!u) throw new Error(`demo user ${email} missing`);
	return sessionPrincipal({ ...u, locale: u.locale ?? 'zh-CN' });
}

const CONSUMERS = [
	{
		name: '李娜',
		phone: '13805310001',
		province: '山东省',
		city: '济南市',
		district: '历下区',
		address: '泉城路 188 号 3 单元 501'
	},
	{
		name: '张伟',
		phone: '13902000002',
		province: '广东省',
		city: '佛山市',
		district: '顺德区',
		address: '大良街道 金榜路 6 号'
	},
	{
		name: '王芳',
		phone: '13700100003',
		province: '北京市',
		city: '北京市',
		district: '朝阳区',
		address: '望京 SOHO T1 1203'
	},
	{
		name: '刘洋',
		phone: '13602800004',
		province: '四川省',
		city: '成都市',
		district: '武侯区',
		address: '科华北路 65 号'
	},
	{
		name: '陈静',
		phone: '13501000005',
		province: '河南省',
		city: '郑州市',
		district: '金水区',
		address: '花园路 39 号'
	},
	{
		name: '杨帆',
		phone: '13401200006',
		province: '江苏省',
		city: '南京市',
		district: '鼓楼区',
		address: '中山北路 200 号'
	}
];

/**
 * A live demo show with locks and a handful of consumer orders in different states, so the
 * supplier queue and the host's order view have something to show. Uses the newest lots (tests
 * and benches take the oldest ones).
 */
export async function seedDemoOrders(): Promise<void> {
	await db().insert(freightRates).values(demoFreightRates()).onConflictDoNothing();
	forgetFreightRates();
	const host = await actorOf(DEMO_ACCOUNTS.host);
	const supplierEmails = [
		DEMO_ACCOUNTS.supplier1,
		DEMO_ACCOUNTS.supplier2,
		DEMO_ACCOUNTS.supplier3
	];
	const picks: { id: string; unitPriceFen: number; supplierEmail: string }[] = [];
	for (const email of supplierEmails) {
		const [row] = await db()
			.select({ id: lots.id, unitPriceFen: lots.unitPriceFen })
			.from(lots)
			.innerJoin(users, eq(users.orgId, lots.supplierId))
			.where(and(eq(users.email, email), eq(lots.status, 'active'), eq(lots.dropshipAllowed, true)))
			.orderBy(desc(lots.seq))
			.limit(1);
		if (row) picks.push({ ...row, supplierEmail: email });
	}
	if (picks.length === 0) return;
	await setOnHand(
		db(),
		picks.map((p) => p.id),
		500
	);
	const { id: showId } = await createShow(host, {
		title: '周四晚八点 清仓专场（演示）',
		slots: picks.map((p) => ({ lotId: p.id }))
	});
	await updateShow(host, showId, { packaging: ['relabel_live'] });
	await transitionShow(host, showId, { status: 'live' });
	for (const p of picks) await acquireLock(host, showId, { lotId: p.id, quantity: 60 });
	const placed = [];
	for (const [i, c] of CONSUMERS.entries()) {
		const a = picks[i % picks.length]!;
		const b = picks[(i + 1) % picks.length]!;
		const lines = [{ lotId: a.id, quantity: 1 + (i % 2), unitPrice: a.unitPriceFen }];
		if (i % 3 === 0 && b.id !== a.id)
			lines.push({ lotId: b.id, quantity: 1, unitPrice: b.unitPriceFen });
		const r = await placeOrder(
			host,
			{
				externalId: `DEMO-DY-${1001 + i}`,
				showId,
				lines,
				shipTo: c,
				paidAt: new Date(Date.now() - (CONSUMERS.length - i) * 600_000).toISOString()
			},
			'console'
		);
		placed.push(r.order);
	}
	// Move some parcels along so every state shows up.
	const supplierActors = new Map<string, Principal>();
	for (const p of picks) {
		if (!supplierActors.has(p.supplierEmail)) {
			supplierActors.set(p.supplierEmail, await actorOf(p.supplierEmail));
		}
	}
	const supplierFor = (supplierId: string) =>
		[...supplierActors.values()].find((a) => a.orgId === supplierId)!;
	const steps: string[][] = [
		['accept', 'ship', 'deliver'],
		['accept', 'ship'],
		['accept', 'pack'],
		['accept'],
		[],
		['address_problem']
	];
	for (const [i, o] of placed.entries()) {
		for (const f of o.fulfilments) {
			for (const action of steps[i % steps.length]!) {
				const actor = action === 'deliver' ? host : supplierFor(f.supplierId);
				await transitionFulfilment(actor, f.id, {
					action,
					...(action === 'ship'
						? { carrier: '中通快递', trackingNo: `ZT7${String(f.number).padStart(9, '0')}` }
						: {}),
					...(action === 'address_problem' ? { note: '门牌号不完整，请补充' } : {})
				});
			}
		}
	}
	// The picks' stock was set above and some of it shipped: their size breakdowns (pieces)
	// follow what is on hand now, in the proportions they had.
	const after = await db()
		.select({
			id: lots.id,
			onHand: lots.onHand,
			sizeBreakdown: lots.sizeBreakdown,
			grade: lots.grade,
			unitPriceFen: lots.unitPriceFen,
			hasDefectVideo: lots.hasDefectVideo,
			talkingPoints: lots.talkingPoints
		})
		.from(lots)
		.where(
			inArray(
				lots.id,
				picks.map((p) => p.id)
			)
		);
	for (const l of after) {
		const sizes = apportionSizes(l.sizeBreakdown, l.onHand);
		await db()
			.update(lots)
			.set({ sizeBreakdown: sizes, ...deriveLotFields({ ...l, sizeBreakdown: sizes }) })
			.where(eq(lots.id, l.id));
	}
}
