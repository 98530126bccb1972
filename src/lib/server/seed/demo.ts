import { asc, count, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { checkBand, deriveLotFields } from '$lib/domain/pricing';
import { apportionSizes } from '$lib/domain/sizes';
import type { Grade } from '$lib/domain/policy';
import { currentPolicy } from '../platform/policy';
import { buildSearchText, searchGrams } from '$lib/domain/search-text';
import { db, type DbOrTx } from '../db';
import {
	brands,
	categories,
	lotMedia,
	lotSales,
	lots,
	orgs,
	suppliers,
	users,
	type CategoryAttribute
} from '../db/schema';
import { refreshLotSales, refreshRepurchase } from '../catalog/sales';
import { mediaStorage } from '../platform/storage';
import { DEMO_DEFECT_VIDEO_WEBM_BASE64 } from './demo-video';
import { placeholderPng, type Shape } from './placeholder';
import { hashPassword } from '../auth/password';
import { logger } from '../log';
import { installModules } from '../modules';
import { rng, type Rng } from './random';
import { seedDemoBoards } from './boards';
import { seedDemoOrders } from './orders';
import { seedDemoLedger } from './ledger';
import { seedDemoTrade } from './trade';

export { DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD } from './accounts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './accounts';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const DOWN_ATTRS: CategoryAttribute[] = [
	{
		key: 'length',
		label: L('衣长', 'Length'),
		options: [
			{ value: 'long', label: L('长款', 'Long') },
			{ value: 'short', label: L('短款', 'Short') }
		]
	},
	{
		key: 'fill',
		label: L('填充物', 'Fill'),
		options: [
			{ value: 'white_duck_90', label: L('90%白鸭绒', '90% white duck down') },
			{ value: 'grey_duck_80', label: L('80%灰鸭绒', '80% grey duck down') }
		]
	}
];

const SHOE_ATTRS: CategoryAttribute[] = [
	{
		key: 'upper',
		label: L('鞋面材质', 'Upper'),
		options: [
			{ value: 'mesh', label: L('网面', 'Mesh') },
			{ value: 'leather', label: L('皮面', 'Leather') }
		]
	}
];

interface CatSeed {
	path: string;
	zh: string;
	en: string;
	attributes?: CategoryAttribute[];
	/** For leaves: tag price range in yuan, size scheme, item names. */
	leaf?: { tag: [number, number]; sizes: 'apparel' | 'kids' | 'shoes' | 'one'; items: string[] };
}

export const DEMO_CATEGORIES: CatSeed[] = [
	{ path: 'apparel', zh: '服装', en: 'Apparel' },
	{ path: 'apparel/women', zh: '女装', en: 'Womenswear' },
	{
		path: 'apparel/women/dresses',
		zh: '连衣裙',
		en: 'Dresses',
		leaf: {
			tag: [199, 599],
			sizes: 'apparel',
			items: ['碎花雪纺连衣裙', '针织收腰连衣裙', '法式方领连衣裙', '纯棉衬衫裙']
		}
	},
	{
		path: 'apparel/women/tshirts',
		zh: 'T恤',
		en: 'T-shirts',
		leaf: {
			tag: [59, 299],
			sizes: 'apparel',
			items: ['纯棉圆领T恤', '印花短袖T恤', '宽松落肩T恤', '莫代尔打底衫']
		}
	},
	{ path: 'apparel/men', zh: '男装', en: 'Menswear' },
	{
		path: 'apparel/men/hoodies',
		zh: '卫衣',
		en: 'Hoodies',
		leaf: {
			tag: [199, 499],
			sizes: 'apparel',
			items: ['加绒连帽卫衣', '重磅圆领卫衣', '拉链开衫卫衣']
		}
	},
	{
		path: 'apparel/men/down-jackets',
		zh: '羽绒服',
		en: 'Down jackets',
		attributes: DOWN_ATTRS,
		leaf: {
			tag: [599, 1599],
			sizes: 'apparel',
			items: ['连帽羽绒服', '立领轻薄羽绒服', '工装羽绒服']
		}
	},
	{ path: 'apparel/kids', zh: '童装', en: 'Kidswear' },
	{
		path: 'apparel/kids/sets',
		zh: '童装套装',
		en: "Kids' sets",
		leaf: { tag: [99, 299], sizes: 'kids', items: ['纯棉家居服套装', '运动两件套', '卡通印花套装'] }
	},
	{ path: 'shoes', zh: '鞋靴', en: 'Shoes' },
	{
		path: 'shoes/sneakers',
		zh: '运动鞋',
		en: 'Sneakers',
		attributes: SHOE_ATTRS,
		leaf: { tag: [299, 899], sizes: 'shoes', items: ['透气跑步鞋', '复古板鞋', '休闲老爹鞋'] }
	},
	{
		path: 'shoes/boots',
		zh: '靴子',
		en: 'Boots',
		attributes: SHOE_ATTRS,
		leaf: { tag: [399, 999], sizes: 'shoes', items: ['切尔西短靴', '马丁靴', '加绒雪地靴'] }
	},
	{ path: 'bags', zh: '箱包', en: 'Bags' },
	{
		path: 'bags/backpacks',
		zh: '双肩包',
		en: 'Backpacks',
		leaf: { tag: [149, 499], sizes: 'one', items: ['通勤双肩包', '大容量旅行包', '学生书包'] }
	},
	{ path: 'home', zh: '家居', en: 'Home' },
	{
		path: 'home/bedding',
		zh: '床品',
		en: 'Bedding',
		leaf: { tag: [199, 699], sizes: 'one', items: ['全棉四件套', '水洗棉被套', '夏凉被'] }
	}
];

const BRANDS = [
	['衣尚', 'Yishang'],
	['步云', 'Buyun'],
	['小熊童年', 'BearKids'],
	['北纬', 'North Lat'],
	['棉里', 'Mianli'],
	['行者', 'Xingzhe'],
	['家和', 'Jiahe'],
	['山野', 'Shanye']
] as const;

interface SupplierSeed {
	email: string;
	name: string;
	type: 'brand_factory' | 'brand_hq' | 'wholesaler' | 'ecommerce_returns';
	province: string;
	city: string;
	status: 'admitted' | 'pending';
	/** Category path prefixes this supplier mostly lists. */
	focus: string[];
	brands: string[];
}

const SUPPLIERS: SupplierSeed[] = [
	{
		email: DEMO_ACCOUNTS.supplier1,
		name: '广州衣尚服饰厂',
		type: 'brand_factory',
		province: '广东省',
		city: '广州市',
		status: 'admitted',
		focus: ['apparel/women', 'apparel/men'],
		brands: ['衣尚', '北纬', '棉里']
	},
	{
		email: DEMO_ACCOUNTS.supplier2,
		name: '晋江步云鞋业',
		type: 'brand_hq',
		province: '福建省',
		city: '泉州市',
		status: 'admitted',
		focus: ['shoes', 'bags'],
		brands: ['步云', '行者']
	},
	{
		email: DEMO_ACCOUNTS.supplier3,
		name: '杭州优选电商退货仓',
		type: 'ecommerce_returns',
		province: '浙江省',
		city: '杭州市',
		status: 'admitted',
		focus: ['apparel', 'home', 'bags'],
		brands: ['棉里', '家和', '山野', '衣尚']
	},
	{
		email: DEMO_ACCOUNTS.supplier4,
		name: '湖州织里童装批发',
		type: 'wholesaler',
		province: '浙江省',
		city: '湖州市',
		status: 'admitted',
		focus: ['apparel/kids', 'home'],
		brands: ['小熊童年', '家和']
	}
];

const DEFECTS = [
	'袖口有线头（微瑕）',
	'局部轻微色差',
	'吊牌缺失',
	'外包装破损，商品完好',
	'局部染色印记',
	'轻微污渍，可水洗',
	'走线不直'
];
const ADJECTIVES = ['2025秋冬款', '夏季新款', '经典款', '外贸原单', '专柜同款', '直播爆款'];

function sizeBreakdown(
	r: Rng,
	scheme: 'apparel' | 'kids' | 'shoes' | 'one',
	exportHeavy: boolean
): Record<string, number> {
	const out: Record<string, number> = {};
	const sizes =
		scheme === 'apparel'
			? ['S', 'M', 'L', 'XL', 'XXL', '3XL']
			: scheme === 'kids'
				? ['90', '100', '110', '120', '130', '140']
				: scheme === 'shoes'
					? ['36', '37', '38', '39', '40', '41', '42', '43', '44']
					: ['均码'];
	for (const s of sizes) {
		const large = ['XL', 'XXL', '3XL'].includes(s);
		out[s] = exportHeavy ? (large ? r.int(30, 60) : r.int(0, 4)) : r.int(5, 40);
	}
	return out;
}

type LotInsert = typeof lots.$inferInsert;

interface LotContext {
	suppliers: { orgId: string; seed: SupplierSeed }[];
	leaves: { id: string; path: string; names: string[]; seed: CatSeed }[];
	brands: Map<string, { id: string; name: string; nameEn: string }>;
}

/** Builds one deterministic lot from the generator; prices always inside the grade band. */
function makeLot(r: Rng, ctx: LotContext, i: number): LotInsert {
	const sup = ctx.suppliers[i % ctx.suppliers.length]!;
	const focused = ctx.leaves.filter((l) => sup.seed.focus.some((f) => l.path.startsWith(f)));
	const leaf = r.pick(focused.length ? focused : ctx.leaves);
	const lf = leaf.seed.leaf!;
	const brand = ctx.brands.get(r.pick(sup.seed.brands))!;
	const source = r.weighted([
		['factory_overrun', 40],
		['season_clearance', 30],
		['wholesaler_stock', 20],
		['ecommerce_return', 10]
	] as const);
	const grade = r.weighted([
		['A', 40],
		['B', 35],
		['C', 25]
	] as const) as Grade;
	let tagYuan = r.int(lf.tag[0], lf.tag[1]);
	if (grade === 'C' && leaf.path.endsWith('tshirts') && r.next() < 0.6) tagYuan = r.int(59, 99);
	const tagPriceFen = tagYuan * 100 - (r.next() < 0.5 ? 100 : 0) + 0; // ¥x99 style tags
	const band = checkBand(grade, tagPriceFen, 1);
	let unitPriceFen = r.int(band.minPriceFen, band.maxPriceFen);
	if (unitPriceFen > 1000) unitPriceFen = Math.round(unitPriceFen / 100) * 100; // whole yuan
	unitPriceFen = Math.min(Math.max(unitPriceFen, band.minPriceFen), band.maxPriceFen);
	const exportHeavy = lf.sizes === 'apparel' && r.next() < 0.12;
	const sizeWeights = sizeBreakdown(r, lf.sizes, exportHeavy);
	const moq = r.weighted([
		[50, 30],
		[100, 25],
		[200, 20],
		[500, 15],
		[1000, 10]
	] as const);
	const onHand = moq * r.int(4, 30);
	// The breakdown is in pieces: the stock on hand, in the generated proportions.
	const sizes = apportionSizes(sizeWeights, onHand);
	const defect = grade === 'A' ? null : r.pick(DEFECTS);
	const item = r.pick(lf.items);
	const title = `${brand.name} ${item} ${r.pick(ADJECTIVES)}`;
	const talkingPoints =
		r.next() < 0.35
			? `面料舒适，版型好。${defect ? `瑕疵说明：${defect}，不影响穿着，主播会现场展示。` : '全新正品，无瑕疵。'}直播间专享价。`
			: '';
	const attributes: Record<string, string> = {};
	for (const a of leaf.seed.attributes ?? []) attributes[a.key] = r.pick(a.options).value;
	const description = `${item}，${brand.name}（${brand.nameEn}）。来源：${
		{
			factory_overrun: '订单溢产',
			season_clearance: '过季清仓',
			wholesaler_stock: '滞销库存',
			ecommerce_return: '电商退货未拆封'
		}[source]
	}。`;
	// The same words the catalog service indexes: title, brand, category path, supplier, text.
	const searchText = buildSearchText({
		title,
		brand: brand.name,
		brandEn: brand.nameEn,
		categoryNames: [...leaf.names, sup.seed.name],
		description,
		defectDescription: defect
	});
	const lot = {
		supplierId: sup.orgId,
		brandId: brand.id,
		categoryId: leaf.id,
		categoryPath: leaf.path,
		title,
		description,
		source,
		grade,
		defectDescription: defect,
		tagPriceFen,
		unitPriceFen,
		moq,
		onHand,
		sizeBreakdown: sizes,
		attributes,
		warehouseProvince: sup.seed.province,
		warehouseCity: sup.seed.city,
		talkingPoints,
		dropshipAllowed: r.next() < 0.8,
		commissionBp: r.pick([1500, 1600, 1800, 2000]),
		status: 'active' as const,
		hasDefectVideo: false,
		...deriveLotFields({
			grade,
			unitPriceFen,
			sizeBreakdown: sizes,
			hasDefectVideo: false,
			talkingPoints
		}),
		searchText,
		searchGrams: searchGrams(searchText)
	} satisfies LotInsert;
	return lot;
}

async function loadContext(tx: DbOrTx): Promise<LotContext> {
	const supRows = await tx
		.select({ orgId: suppliers.orgId, name: orgs.name })
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.where(eq(suppliers.status, 'admitted'));
	const catRows = await tx.select().from(categories);
	const byPath = new Map(catRows.map((c) => [c.path, c]));
	const brandRows = await tx.select().from(brands);
	return {
		suppliers: supRows
			.map((s) => ({ orgId: s.orgId, seed: SUPPLIERS.find((x) => x.name === s.name) }))
			.filter((s): s is { orgId: string; seed: SupplierSeed } => !!s.seed),
		leaves: DEMO_CATEGORIES.filter((c) => c.leaf).map((c) => {
			const names: string[] = [];
			const segs = c.path.split('/');
			for (let k = 1; k <= segs.length; k++) {
				const cat = byPath.get(segs.slice(0, k).join('/'));
				if (cat) names.push(cat.nameZh, cat.nameEn);
			}
			return { id: byPath.get(c.path)!.id, path: c.path, names, seed: c };
		}),
		brands: new Map(brandRows.map((b) => [b.name, { id: b.id, name: b.name, nameEn: b.nameEn }]))
	};
}

/** Inserts `n` generated lots in batches; `seed` makes the run repeatable. */
export async function generateLots(
	n: number,
	opts: { seed?: number; batch?: number; onProgress?: (done: number) => void } = {}
): Promise<number> {
	const ctx = await loadContext(db());
	if (ctx.suppliers.length === 0)
		throw new Error('Seed the demo marketplace first (no admitted demo suppliers).');
	const r = rng(opts.seed ?? 7);
	const batch = opts.batch ?? 1000;
	let done = 0;
	while (done < n) {
		const rows: LotInsert[] = [];
		for (let k = 0; k < batch && done + k < n; k++) rows.push(makeLot(r, ctx, done + k));
		await db().insert(lots).values(rows);
		done += rows.length;
		opts.onProgress?.(done);
	}
	return done;
}

export const DEMO_LOT_COUNT = 240;

/** Seeds the demo marketplace when the database has no users yet. Deterministic. */
export async function seedDemoIfEmpty(): Promise<boolean> {
	// The demo places orders: their events (the ledger's postings) need the module list, whoever
	// calls this (the runtime, scripts/seed.ts, benches, tests).
	installModules();
	const [{ n }] = (await db().select({ n: count() }).from(users)) as [{ n: number }];
	if (Number(n) > 0) return false;
	const started = performance.now();
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	await db().transaction(async (tx) => {
		const mkOrg = async (kind: 'platform' | 'supplier' | 'host_team' | 'buyer', name: string) =>
			(await tx.insert(orgs).values({ kind, name }).returning({ id: orgs.id }))[0]!.id;
		const mkUser = (
			email: string,
			displayName: string,
			role: 'operator' | 'supplier_staff' | 'host' | 'assistant' | 'buyer',
			orgId: string
		) => tx.insert(users).values({ email, displayName, role, orgId, passwordHash });

		const platform = await mkOrg('platform', 'LotLive 平台');
		await mkUser(DEMO_ACCOUNTS.operator, '平台运营 王敏', 'operator', platform);

		const team = await mkOrg('host_team', '小鹿直播间');
		await mkUser(DEMO_ACCOUNTS.host, '主播 小鹿', 'host', team);
		await mkUser(DEMO_ACCOUNTS.assistant1, '场控 阿杰', 'assistant', team);
		await mkUser(DEMO_ACCOUNTS.assistant2, '助理 小雨', 'assistant', team);

		const b1 = await mkOrg('buyer', '广州白马档口 陈记');
		await mkUser(DEMO_ACCOUNTS.buyer1, '陈老板', 'buyer', b1);
		const b2 = await mkOrg('buyer', '义乌环球外贸');
		await mkUser(DEMO_ACCOUNTS.buyer2, 'Lisa 刘', 'buyer', b2);

		for (const s of SUPPLIERS) {
			const org = await mkOrg('supplier', s.name);
			await tx.insert(suppliers).values({
				orgId: org,
				type: s.type,
				status: s.status,
				province: s.province,
				city: s.city,
				description: `${s.name}，${s.province}${s.city}。`
			});
			await mkUser(s.email, `${s.name} 业务员`, 'supplier_staff', org);
		}
		// A supplier awaiting review: its status is the status field (the admin page's badge),
		// never part of its name, which stays the same once it is admitted.
		const pending = await mkOrg('supplier', '深圳新潮服饰');
		await tx.insert(suppliers).values({
			orgId: pending,
			type: 'wholesaler',
			status: 'pending',
			province: '广东省',
			city: '深圳市'
		});

		await tx.insert(brands).values(BRANDS.map(([name, nameEn]) => ({ name, nameEn })));

		const ids = new Map<string, string>();
		for (const [position, c] of DEMO_CATEGORIES.entries()) {
			const parentPath = c.path.includes('/') ? c.path.slice(0, c.path.lastIndexOf('/')) : null;
			const [row] = await tx
				.insert(categories)
				.values({
					parentId: parentPath ? ids.get(parentPath)! : null,
					slug: c.path.split('/').pop()!,
					path: c.path,
					depth: c.path.split('/').length - 1,
					nameZh: c.zh,
					nameEn: c.en,
					attributes: c.attributes ?? [],
					position
				})
				.returning({ id: categories.id });
			ids.set(c.path, row!.id);
		}

		const ctx = await loadContext(tx);
		const r = rng(20261125);
		const rows: LotInsert[] = [];
		for (let i = 0; i < DEMO_LOT_COUNT; i++) rows.push(makeLot(r, ctx, i));
		await tx.insert(lots).values(rows);
		await seedDemoMediaAndSales(tx, [b1, b2]);
	});
	await seedDemoBoards();
	await seedDemoOrders();
	await seedDemoLedger();
	await seedDemoTrade();
	logger().info(
		{ ms: Math.round(performance.now() - started), lots: DEMO_LOT_COUNT },
		'demo data seeded'
	);
	return true;
}

const SHAPE_BY_CATEGORY: Record<string, Shape> = {
	'apparel/women/dresses': 'dress',
	'apparel/women/tshirts': 'tshirt',
	'apparel/men/hoodies': 'jacket',
	'apparel/men/down-jackets': 'jacket',
	'apparel/kids/sets': 'tshirt',
	'shoes/sneakers': 'shoe',
	'shoes/boots': 'shoe',
	'bags/backpacks': 'bag',
	'home/bedding': 'bedding'
};
const PALETTE = [0x3b6ea8, 0xd9822b, 0x2f8f6b, 0x8e44ad, 0x444c5a, 0xc0392b, 0xe0b84c, 0x6b8e23];
const BACKGROUNDS = [0xf3efe6, 0xeef2f7, 0xf6ecec];
/** How many demo lots get the defect clip (B/C lots with talking points, in listing order). */
export const DEMO_VIDEO_LOTS = 16;

/**
 * Demo media and sales history: a placeholder photo for every lot, the defect clip for a few B/C
 * lots with talking points (so `live_special` appears), and 21 days of wholesale and dropship
 * sales from a fixed generator so the 7-day and repurchase sorts mean something.
 */
async function seedDemoMediaAndSales(tx: DbOrTx, buyerOrgs: string[]): Promise<void> {
	const rows = await tx
		.select({
			id: lots.id,
			supplierId: lots.supplierId,
			grade: lots.grade,
			categoryPath: lots.categoryPath,
			talkingPoints: lots.talkingPoints,
			unitPriceFen: lots.unitPriceFen,
			sizeBreakdown: lots.sizeBreakdown,
			moq: lots.moq,
			dropshipAllowed: lots.dropshipAllowed
		})
		.from(lots)
		.orderBy(asc(lots.seq));
	const store = mediaStorage();
	const r = rng(8675309);
	const pngs = new Map<string, Buffer>();
	const media: (typeof lotMedia.$inferInsert)[] = [];
	for (const [i, lot] of rows.entries()) {
		const shape = SHAPE_BY_CATEGORY[lot.categoryPath] ?? 'tshirt';
		const color = PALETTE[i % PALETTE.length]!;
		const background = BACKGROUNDS[i % BACKGROUNDS.length]!;
		const defect = lot.grade !== 'A';
		const id = `${shape}-${color}-${background}-${defect}`;
		let png = pngs.get(id);
		if (!png) pngs.set(id, (png = placeholderPng({ shape, color, background, defect })));
		const key = `lots/${lot.id}/demo-photo.png`;
		await store.put(key, png, 'image/png');
		media.push({
			lotId: lot.id,
			kind: 'photo',
			storageKey: key,
			mime: 'image/png',
			bytes: png.length,
			position: 0
		});
	}
	const video = Buffer.from(DEMO_DEFECT_VIDEO_WEBM_BASE64, 'base64');
	const withVideo = rows
		.filter((l) => l.grade !== 'A' && l.talkingPoints.trim())
		.slice(0, DEMO_VIDEO_LOTS);
	for (const lot of withVideo) {
		const key = `lots/${lot.id}/demo-defect.webm`;
		await store.put(key, video, 'video/webm');
		media.push({
			lotId: lot.id,
			kind: 'defect_video',
			storageKey: key,
			mime: 'video/webm',
			bytes: video.length,
			position: 0
		});
	}
	for (let k = 0; k < media.length; k += 500)
		await tx.insert(lotMedia).values(media.slice(k, k + 500));
	for (const lot of withVideo) {
		const d = deriveLotFields({ ...lot, hasDefectVideo: true });
		await tx
			.update(lots)
			.set({ hasDefectVideo: true, scenarios: d.scenarios })
			.where(eq(lots.id, lot.id));
	}

	// Sales: each supplier has a pool of regular buyers; a small pool means many come back
	// (the kids' wear wholesaler's), a large one few.
	const supplierIds = [...new Set(rows.map((l) => l.supplierId))];
	const pools = new Map(
		supplierIds.map((s, i) => {
			const size = [40, 30, 60, 12][i % 4]!;
			const keys = Array.from({ length: size }, (_, k) =>
				k < buyerOrgs.length ? buyerOrgs[k]! : `demo-buyer-${i}-${k}`
			);
			return [s, keys];
		})
	);
	const now = Date.now();
	const sales: (typeof lotSales.$inferInsert)[] = [];
	for (const lot of rows) {
		const n = r.weighted([
			[0, 25],
			[1, 20],
			[2, 15],
			[4, 15],
			[8, 15],
			[14, 10]
		] as const);
		for (let k = 0; k < n; k++) {
			const dropship = lot.dropshipAllowed && r.next() < 0.35;
			const quantity = dropship ? r.int(1, 3) : lot.moq * r.int(1, 3);
			const buyerKey = dropship
				? createHash('sha256')
						.update(`1380013${String(r.int(0, 9999)).padStart(4, '0')}`)
						.digest('hex')
				: r.pick(pools.get(lot.supplierId)!);
			sales.push({
				lotId: lot.id,
				supplierId: lot.supplierId,
				buyerKey,
				quantity,
				amountFen: quantity * lot.unitPriceFen,
				channel: dropship ? 'dropship' : 'wholesale',
				orderRef: `demo-${sales.length + 1}`,
				soldAt: new Date(now - Math.floor(r.next() * 21 * 86_400_000))
			});
		}
	}
	for (let k = 0; k < sales.length; k += 1000)
		await tx.insert(lotSales).values(sales.slice(k, k + 1000));
	await refreshLotSales(
		tx,
		rows.map((l) => l.id),
		currentPolicy()
	);
	for (const s of supplierIds) await refreshRepurchase(tx, { supplierId: s }, currentPolicy());
}
