import { eq, sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	addLotMedia,
	blockLot,
	createLot,
	getLot,
	getLotSummaries,
	openMedia,
	removeLotMedia,
	setSupplierStatus,
	unblockLot,
	updateLot
} from '../../src/lib/server/catalog';
import { facetCounts, searchLots } from '../../src/lib/server/catalog/search';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { tokenPrincipal, type Principal } from '../../src/lib/server/auth/principal';
import { db } from '../../src/lib/server/db';
import { lots, suppliers } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { translator } from '../../src/lib/server/http';
import { placeholderPng } from '../../src/lib/server/seed/placeholder';
import { DEMO_DEFECT_VIDEO_WEBM_BASE64 } from '../../src/lib/server/seed/demo-video';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';
import { makeUser } from '../helpers/users';

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

let ref: Awaited<ReturnType<typeof seedReferenceData>>;
let operator: Principal;
let supA: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let supB: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let buyer: Awaited<ReturnType<typeof makeUser>>;
const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));

beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	ref = await seedReferenceData();
	operator = await makeOperator();
	supA = await makeAdmittedSupplier(operator, '广州衣尚服饰厂');
	supB = await makeAdmittedSupplier(operator, '晋江步云鞋业');
	buyer = await makeUser('buyer');
});
afterAll(() => {
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

/** A valid grade-B T-shirt lot; override what a test needs. */
const tee = (over: Record<string, unknown> = {}) => ({
	title: '衣尚 纯棉圆领T恤 夏季新款',
	categoryPath: 'apparel/women/tshirts',
	source: 'factory_overrun',
	grade: 'B',
	defectDescription: '袖口有线头（微瑕）',
	tagPriceFen: 29900,
	unitPriceFen: 3500,
	moq: 100,
	onHand: 2000,
	sizeBreakdown: { S: 300, M: 600, L: 600, XL: 500 },
	...over
});

describe('suppliers', () => {
	it('signing up as a supplier creates its profile, pending review', async () => {
		const s = await makeUser('supplier_staff');
		const [row] = await db().select().from(suppliers).where(eq(suppliers.orgId, s.orgId));
		expect(row?.status).toBe('pending');
	});

	it('only an operator admits or blocks a supplier; blocking needs a reason', async () => {
		const s = await makeUser('supplier_staff');
		expect(
			(await caught(setSupplierStatus(s.principal, s.orgId, { status: 'admitted' }))).status
		).toBe(403);
		expect((await caught(setSupplierStatus(operator, s.orgId, { status: 'blocked' }))).field).toBe(
			'reason'
		);
		await setSupplierStatus(operator, s.orgId, { status: 'admitted' });
		const [row] = await db().select().from(suppliers).where(eq(suppliers.orgId, s.orgId));
		expect(row?.status).toBe('admitted');
	});
});

describe('lot prices and grade bands', () => {
	it('accepts exactly 15% and 20% for grade A and refuses one fen outside with 422 naming the band', async () => {
		const a = { grade: 'A', defectDescription: null, tagPriceFen: 10000 };
		expect((await createLot(supA.principal, tee({ ...a, unitPriceFen: 1500 }))).unitPriceFen).toBe(
			1500
		);
		expect((await createLot(supA.principal, tee({ ...a, unitPriceFen: 2000 }))).unitPriceFen).toBe(
			2000
		);
		for (const bad of [1499, 2001]) {
			const e = await caught(createLot(supA.principal, tee({ ...a, unitPriceFen: bad })));
			expect(e.status).toBe(422);
			expect(e.code).toBe('price_out_of_band');
			expect(e.field).toBe('unitPriceFen');
			const body = e.toJSON(translator('zh-CN')).error;
			expect(body.message).toContain('A 品');
			expect(body.message).toContain('15%–20%');
			expect(body.message).toContain('¥15.00–¥20.00');
			expect(e.toJSON(translator('en')).error.message).toContain('Grade A prices must be 15%–20%');
			expect(body.band).toEqual({ grade: 'A', min: '¥15.00', max: '¥20.00' });
		}
	});

	it('checks B and C bands too, and derives the unit price from a discount', async () => {
		expect((await caught(createLot(supA.principal, tee({ unitPriceFen: 4486 })))).status).toBe(422);
		expect((await createLot(supA.principal, tee({ unitPriceFen: 4485 }))).unitPriceFen).toBe(4485);
		const c = tee({ grade: 'C', defectDescription: '局部染色', tagPriceFen: 9900 });
		expect((await caught(createLot(supA.principal, { ...c, unitPriceFen: 494 }))).code).toBe(
			'price_out_of_band'
		);
		expect((await createLot(supA.principal, { ...c, unitPriceFen: 495 })).unitPriceFen).toBe(495);
		const { unitPriceFen: _u, ...noPrice } = tee();
		const d = await createLot(supA.principal, { ...noPrice, discountBp: 1170 });
		expect(d.unitPriceFen).toBe(3498);
		expect(d.discountBp).toBe(1170);
	});

	it('lets only an operator allow a price outside the band, and checks again when the supplier changes it', async () => {
		expect(
			(await caught(createLot(supA.principal, tee({ unitPriceFen: 9000, priceOverride: true }))))
				.status
		).toBe(403);
		const lot = await createLot(
			operator,
			tee({ unitPriceFen: 9000, priceOverride: true, supplierId: supA.orgId })
		);
		expect(lot.priceOverride).toBe(true);
		expect(lot.supplierId).toBe(supA.orgId);
		expect((await updateLot(supA.principal, lot.id, { title: '改个标题' })).unitPriceFen).toBe(
			9000
		);
		const e = await caught(updateLot(supA.principal, lot.id, { unitPriceFen: 9100 }));
		expect(e.code).toBe('price_out_of_band');
		expect((await caught(updateLot(supA.principal, lot.id, { priceOverride: true }))).status).toBe(
			403
		);
	});

	it('requires a defect description for B and C lots', async () => {
		const e = await caught(createLot(supA.principal, tee({ defectDescription: '  ' })));
		expect(e.status).toBe(422);
		expect(e.code).toBe('defect_required');
		expect(e.field).toBe('defectDescription');
	});

	it('validates category attributes and field types with 400 naming the field', async () => {
		const down = {
			...tee({ grade: 'A', defectDescription: null, tagPriceFen: 99900, unitPriceFen: 16000 }),
			categoryPath: 'apparel/men/down-jackets'
		};
		const ok = await createLot(supA.principal, {
			...down,
			attributes: { length: 'long', fill: 'white_duck_90' }
		});
		expect(ok.attributes).toEqual({ length: 'long', fill: 'white_duck_90' });
		expect(
			(await caught(createLot(supA.principal, { ...down, attributes: { fill: 'cotton' } }))).field
		).toBe('attributes.fill');
		expect((await caught(createLot(supA.principal, tee({ moq: 0 })))).field).toBe('moq');
		expect((await caught(createLot(supA.principal, tee({ tagPriceFen: 299.5 })))).field).toBe(
			'tagPriceFen'
		);
		expect(
			(await caught(createLot(supA.principal, tee({ categoryPath: 'apparel/women' })))).field
		).toBe('categoryId');
	});
});

describe('who may write a lot', () => {
	it('a supplier cannot edit another supplier’s lot (403); buyers cannot create lots', async () => {
		const lot = await createLot(supA.principal, tee());
		const e = await caught(updateLot(supB.principal, lot.id, { title: '抢过来' }));
		expect(e.status).toBe(403);
		expect((await getLot(operator, lot.id)).title).toBe(tee().title);
		expect((await caught(createLot(buyer.principal, tee()))).status).toBe(403);
		// an API token of the other supplier's organisation is refused the same way
		const token = tokenPrincipal({
			tokenId: '00000000-0000-4000-8000-000000000001',
			orgId: supB.orgId,
			orgKind: 'supplier'
		});
		expect((await caught(updateLot(token, lot.id, { title: 'x' }))).status).toBe(403);
		expect(
			(
				await caught(
					updateLot(supA.principal, '00000000-0000-4000-8000-000000000000', { title: 'x' })
				)
			).status
		).toBe(404);
	});

	it('never lets on-hand stock drop below locked + allocated (409), and bumps the stock version', async () => {
		const lot = await createLot(supA.principal, tee({ onHand: 1000 }));
		// live shows and orders reserve stock through their own services; simulate that here
		await db().update(lots).set({ locked: 300, allocated: 200 }).where(eq(lots.id, lot.id));
		const e = await caught(updateLot(supA.principal, lot.id, { onHand: 499 }));
		expect(e.status).toBe(409);
		expect(e.code).toBe('stock_below_reserved');
		expect(e.field).toBe('onHand');
		expect(e.toJSON(translator('zh-CN')).error.message).toContain('500 件');
		const ok = await updateLot(supA.principal, lot.id, { onHand: 500 });
		expect(ok.onHand).toBe(500);
		expect(ok.available).toBe(0);
		expect(ok.stockVersion).toBe(lot.stockVersion + 1);
	});
});

describe('derived scenario tags', () => {
	it('tags export and stall from the lot, and live_special from the defect video and talking points', async () => {
		const exp = await createLot(supA.principal, tee({ sizeBreakdown: { M: 10, XL: 50, XXL: 40 } }));
		expect(exp.scenarios).toEqual(['export']);
		expect(exp.sizeProfile).toBe('large');
		const stall = await createLot(
			supA.principal,
			tee({
				grade: 'C',
				defectDescription: '明显色差',
				tagPriceFen: 9900,
				unitPriceFen: 900,
				sizeBreakdown: {}
			})
		);
		expect(stall.scenarios).toEqual(['stall']);

		const live = await createLot(supA.principal, tee({ talkingPoints: '袖口线头，主播现场展示' }));
		expect(live.scenarios).toEqual([]);
		const photo = await addLotMedia(supA.principal, live.id, {
			kind: 'photo',
			bytes: placeholderPng({
				shape: 'tshirt',
				color: 0x3b6ea8,
				background: 0xffffff,
				defect: true
			})
		});
		expect(photo.mime).toBe('image/png');
		const video = await addLotMedia(supA.principal, live.id, {
			kind: 'defect_video',
			bytes: Buffer.from(DEMO_DEFECT_VIDEO_WEBM_BASE64, 'base64')
		});
		let after = await getLot(buyer.principal, live.id);
		expect(after.hasDefectVideo).toBe(true);
		expect(after.scenarios).toEqual(['live_special']);
		// a "video" that is really a PNG is refused by its bytes
		const fake = await caught(
			addLotMedia(supA.principal, live.id, {
				kind: 'defect_video',
				bytes: placeholderPng({ shape: 'bag', color: 1, background: 2, defect: false })
			})
		);
		expect(fake.code).toBe('unsupported_media');
		// clearing the talking points drops the tag; so does removing the video
		after = await updateLot(supA.principal, live.id, { talkingPoints: '' });
		expect(after.scenarios).toEqual([]);
		await updateLot(supA.principal, live.id, { talkingPoints: '话术' });
		await removeLotMedia(supA.principal, live.id, video.id);
		after = await getLot(supA.principal, live.id);
		expect(after.hasDefectVideo).toBe(false);
		expect(after.scenarios).toEqual([]);
		const [summary] = await getLotSummaries([live.id]);
		expect(summary!.photoUrl).toBe(photo.url);
		expect(summary!.defectVideoUrl).toBeNull();
		expect(summary!.supplierName).toBe('广州衣尚服饰厂');
		expect(summary).toMatchObject({
			grade: 'B',
			moq: 100,
			onHand: 2000,
			locked: 0,
			allocated: 0,
			available: 2000,
			visible: true
		});
	});
});

describe('catalog visibility', () => {
	it('serves a lot’s media only to those who may see the lot', async () => {
		const lot = await createLot(supA.principal, tee({ status: 'draft' }));
		const photo = await addLotMedia(supA.principal, lot.id, {
			kind: 'photo',
			bytes: placeholderPng({
				shape: 'dress',
				color: 0x3b6ea8,
				background: 0xffffff,
				defect: false
			})
		});
		const key = photo.url.replace('/media/', '');
		const own = await openMedia(supA.principal, key);
		expect(own.mime).toBe('image/png');
		await own.body.cancel();
		const ops = await openMedia(operator, key);
		await ops.body.cancel();
		expect((await caught(openMedia(buyer.principal, key))).status).toBe(404);
		expect((await caught(openMedia(supB.principal, key))).status).toBe(404);
		await updateLot(supA.principal, lot.id, { status: 'active' });
		const visible = await openMedia(buyer.principal, key);
		expect(visible.size).toBe(photo.bytes);
		await visible.body.cancel();
	});

	it('blocked lots vanish from the catalog and come back when unblocked', async () => {
		const lot = await createLot(supA.principal, tee({ title: '疑似仿冒 运动鞋 zzblockme' }));
		const find = async () => (await searchLots({ q: 'zzblockme' })).items.map((i) => i.id);
		expect(await find()).toEqual([lot.id]);
		expect((await caught(blockLot(supA.principal, lot.id, { reason: '疑似假货' }))).status).toBe(
			403
		);
		expect((await caught(blockLot(operator, lot.id, { reason: '' }))).field).toBe('reason');
		await blockLot(operator, lot.id, { reason: '疑似假货，品牌方投诉' });
		expect(await find()).toEqual([]);
		expect((await caught(getLot(buyer.principal, lot.id))).status).toBe(404);
		const own = await getLot(supA.principal, lot.id);
		expect(own.status).toBe('blocked');
		expect(own.statusReason).toBe('疑似假货，品牌方投诉');
		expect((await caught(updateLot(supA.principal, lot.id, { status: 'active' }))).status).toBe(
			409
		);
		expect((await getLotSummaries([lot.id]))[0]).toMatchObject({
			status: 'blocked',
			visible: false
		});
		await unblockLot(operator, lot.id);
		expect(await find()).toEqual([lot.id]);
	});

	it('shows only admitted suppliers’ active lots', async () => {
		const pending = await makeUser('supplier_staff');
		const lot = await createLot(pending.principal, tee({ title: '待审核供应商的货 zzpending' }));
		expect((await searchLots({ q: 'zzpending' })).items).toHaveLength(0);
		expect((await caught(getLot(buyer.principal, lot.id))).status).toBe(404);
		await setSupplierStatus(operator, pending.orgId, { status: 'admitted' });
		expect((await searchLots({ q: 'zzpending' })).items).toHaveLength(1);
		await updateLot(pending.principal, lot.id, { status: 'draft' });
		expect((await searchLots({ q: 'zzpending' })).items).toHaveLength(0);
		await updateLot(pending.principal, lot.id, { status: 'active' });
		await setSupplierStatus(operator, pending.orgId, { status: 'blocked', reason: '资质过期' });
		expect((await searchLots({ q: 'zzpending' })).items).toHaveLength(0);
		expect((await caught(updateLot(pending.principal, lot.id, { title: 'x' }))).status).toBe(403);
	});
});

describe('search, filters, facets and cursors', () => {
	let ids: string[] = [];
	beforeAll(async () => {
		const s = await makeAdmittedSupplier(operator, '湖州织里服饰批发');
		const rows = [
			{
				title: '小熊童年 纯棉家居服套装',
				categoryPath: 'apparel/kids/sets',
				grade: 'A',
				tagPriceFen: 19900,
				unitPriceFen: 3500,
				moq: 50,
				brandId: ref.brand('小熊童年'),
				sizeBreakdown: { '90': 10, '110': 20 },
				warehouseProvince: '浙江省'
			},
			{
				title: '碎花雪纺连衣裙 Floral chiffon dress',
				categoryPath: 'apparel/women/dresses',
				grade: 'B',
				tagPriceFen: 39900,
				unitPriceFen: 4500,
				moq: 500,
				brandId: ref.brand('衣尚'),
				talkingPoints: '轻微色差',
				sizeBreakdown: { M: 5, XL: 50, XXL: 45 },
				warehouseProvince: '广东省'
			},
			{
				title: '针织收腰连衣裙',
				categoryPath: 'apparel/women/dresses',
				grade: 'C',
				tagPriceFen: 9900,
				unitPriceFen: 800,
				moq: 1000,
				brandId: ref.brand('衣尚'),
				sizeBreakdown: { S: 50, M: 50 },
				warehouseProvince: '广东省'
			},
			{
				title: '透气跑步鞋 running shoes',
				categoryPath: 'shoes/sneakers',
				grade: 'B',
				tagPriceFen: 59900,
				unitPriceFen: 7000,
				moq: 200,
				brandId: ref.brand('步云'),
				sizeBreakdown: { '39': 10, '42': 10 },
				warehouseProvince: '福建省'
			}
		];
		ids = [];
		for (const r of rows) {
			const lot = await createLot(s.principal, {
				...tee(),
				...r,
				defectDescription: r.grade === 'A' ? null : '微瑕',
				title: `${r.title} zzsearch`
			});
			ids.push(lot.id);
		}
	});

	const q = 'zzsearch';
	const titles = async (f: Parameters<typeof searchLots>[0]) =>
		(await searchLots({ q, ...f })).items.map((i) => i.title.replace(' zzsearch', ''));

	it('filters by grade, category path, price and MOQ range, brand, region, size profile and scenario', async () => {
		expect(await titles({ grade: ['B'], sort: 'price_asc' })).toEqual([
			'碎花雪纺连衣裙 Floral chiffon dress',
			'透气跑步鞋 running shoes'
		]);
		expect(await titles({ category: 'apparel/women', sort: 'price_asc' })).toEqual([
			'针织收腰连衣裙',
			'碎花雪纺连衣裙 Floral chiffon dress'
		]);
		expect(await titles({ category: 'apparel/wo' })).toEqual([]); // a prefix of a slug is not a category
		expect(await titles({ priceMinFen: 3500, priceMaxFen: 4500, sort: 'price_desc' })).toEqual([
			'碎花雪纺连衣裙 Floral chiffon dress',
			'小熊童年 纯棉家居服套装'
		]);
		expect(await titles({ moqMin: 200, moqMax: 500, sort: 'price_asc' })).toEqual([
			'碎花雪纺连衣裙 Floral chiffon dress',
			'透气跑步鞋 running shoes'
		]);
		expect(await titles({ brand: [ref.brand('步云')] })).toEqual(['透气跑步鞋 running shoes']);
		expect(await titles({ region: ['福建省', '浙江省'], sort: 'price_asc' })).toEqual([
			'小熊童年 纯棉家居服套装',
			'透气跑步鞋 running shoes'
		]);
		expect(await titles({ sizeProfile: ['kids'] })).toEqual(['小熊童年 纯棉家居服套装']);
		expect(await titles({ scenario: ['stall'] })).toEqual(['针织收腰连衣裙']);
		expect(await titles({ grade: ['B'], scenario: ['export'] })).toEqual([
			'碎花雪纺连衣裙 Floral chiffon dress'
		]);
	});

	it('searches Chinese (including one and two characters) and English', async () => {
		expect(await titles({ q: `${q} 连衣裙`, sort: 'price_asc' })).toEqual([
			'针织收腰连衣裙',
			'碎花雪纺连衣裙 Floral chiffon dress'
		]);
		expect(await titles({ q: `${q} 碎花` })).toEqual(['碎花雪纺连衣裙 Floral chiffon dress']);
		expect(await titles({ q: `${q} 鞋` })).toEqual(['透气跑步鞋 running shoes']);
		expect(await titles({ q: `${q} FLORAL` })).toEqual(['碎花雪纺连衣裙 Floral chiffon dress']);
		expect(await titles({ q: `${q} dress`, sort: 'price_asc' })).toHaveLength(2); // category “Dresses”
		expect(await titles({ q: `${q} running` })).toEqual(['透气跑步鞋 running shoes']);
		// brand names and category names are searchable too, in either language
		expect(await titles({ q: `${q} bearkids` })).toEqual(['小熊童年 纯棉家居服套装']);
		expect(await titles({ q: `${q} 童装` })).toEqual(['小熊童年 纯棉家居服套装']);
		expect(await titles({ q: `${q} sneakers` })).toEqual(['透气跑步鞋 running shoes']);
		// LIKE wildcards in the query are literal
		expect(await titles({ q: `${q} %` })).toEqual([]);
	});

	it('counts facets, leaving each dimension’s own choice out', async () => {
		const f = await facetCounts({ q, grade: ['B'] });
		expect(f.total).toBe(2);
		expect(f.grade).toEqual({ A: 1, B: 2, C: 1 });
		expect(f.category).toEqual({ 'apparel/women/dresses': 1, 'shoes/sneakers': 1 });
		expect(f.scenario).toEqual({ export: 1 });
		expect(f.region).toEqual({ 广东省: 1, 福建省: 1 });
		const g = await facetCounts({ q, scenario: ['stall'] });
		expect(g.total).toBe(1);
		expect(g.scenario).toEqual({ export: 1, stall: 1 });
		expect(g.grade).toEqual({ C: 1 });
	});

	it('pages with a cursor, stable across ties, in every sort', async () => {
		const s = await makeAdmittedSupplier(operator);
		const made: string[] = [];
		for (let i = 0; i < 11; i++)
			made.push(
				(await createLot(s.principal, tee({ title: `同价同销量 zztie ${i}`, unitPriceFen: 3500 })))
					.id
			);
		for (const sort of ['sales', 'repurchase', 'price_asc', 'price_desc', 'newest'] as const) {
			const seen: string[] = [];
			let cursor: string | undefined;
			let pages = 0;
			do {
				const page = await searchLots({ q: 'zztie', sort, limit: 4, cursor });
				seen.push(...page.items.map((i) => i.id));
				cursor = page.nextCursor ?? undefined;
				pages++;
			} while (cursor && pages < 10);
			expect(pages, sort).toBe(3);
			expect(new Set(seen).size, sort).toBe(11);
			expect([...seen].sort(), sort).toEqual([...made].sort());
		}
		const e = await caught(
			searchLots({
				q: 'zztie',
				sort: 'price_asc',
				cursor: (await searchLots({ q: 'zztie', limit: 2 })).nextCursor!
			})
		);
		expect(e.field).toBe('cursor');
	});

	it('lists a supplier’s own lots in any status, and nobody else’s', async () => {
		const mine = await searchLots(
			{},
			{ scope: { kind: 'supplier', orgId: supA.orgId }, actor: supA.principal }
		);
		expect(mine.items.length).toBeGreaterThan(0);
		expect(mine.items.every((i) => i.supplierId === supA.orgId)).toBe(true);
		expect(
			(
				await caught(
					searchLots({}, { scope: { kind: 'supplier', orgId: supA.orgId }, actor: supB.principal })
				)
			).status
		).toBe(403);
		const count = await db().execute(sql`select 1`);
		expect(count).toBeTruthy();
	});
});
