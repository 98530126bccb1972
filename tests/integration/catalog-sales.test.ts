import { and, count, eq, sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/lib/domain/policy';
import {
	recordSale,
	refreshRepurchase,
	refreshSalesStats
} from '../../src/lib/server/catalog/sales';
import { createLot, getLot, openMedia } from '../../src/lib/server/catalog';
import { rowsOf, searchLots } from '../../src/lib/server/catalog/search';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { db } from '../../src/lib/server/db';
import { lotMedia, lotSales, lots, settings } from '../../src/lib/server/db/schema';
import { DEMO_LOT_COUNT, DEMO_VIDEO_LOTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { makeAdmittedSupplier, makeOperator } from '../helpers/catalog';
import { makeUser } from '../helpers/users';

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));
beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	// The demo marketplace brings categories, brands, media and sales history.
	expect(await seedDemoIfEmpty()).toBe(true);
});
afterAll(() => {
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

const DAY = 86_400_000;

describe('demo marketplace', () => {
	it('has photos for every lot, defect videos that make live_special, and sales to sort by', async () => {
		const photos = await db()
			.select({ n: count() })
			.from(lotMedia)
			.where(eq(lotMedia.kind, 'photo'));
		expect(Number(photos[0]!.n)).toBe(DEMO_LOT_COUNT);
		const live = await searchLots({ scenario: ['live_special'], limit: 100 });
		expect(live.items.length).toBe(DEMO_VIDEO_LOTS);
		expect(live.items.every((l) => l.defectVideoUrl && l.talkingPoints && l.grade !== 'A')).toBe(
			true
		);
		const top = await searchLots({ sort: 'sales', limit: 5 });
		expect(top.items[0]!.sales7d).toBeGreaterThan(0);
		expect(top.items.map((i) => i.sales7d)).toEqual(
			[...top.items.map((i) => i.sales7d)].sort((a, b) => b - a)
		);
		const rep = await searchLots({ sort: 'repurchase', limit: 5 });
		expect(rep.items[0]!.repurchaseBp).toBeGreaterThan(0);
		// figures match the facts
		const lot = top.items[0]!;
		const [f] = await db()
			.select({ q: sql<number>`coalesce(sum(${lotSales.quantity}), 0)`.mapWith(Number) })
			.from(lotSales)
			.where(sql`${lotSales.lotId} = ${lot.id} and ${lotSales.soldAt} > now() - interval '7 days'`);
		expect(lot.sales7d).toBe(f!.q);
	});

	it('serves demo media to signed-in users through the access check', async () => {
		const buyer = await makeUser('buyer');
		const [l] = (await searchLots({ scenario: ['live_special'], limit: 1 })).items;
		const key = l!.defectVideoUrl!.replace('/media/', '');
		const file = await openMedia(buyer.principal, key);
		expect(file.mime).toBe('video/webm');
		expect(file.size).toBeGreaterThan(1000);
		await file.body.cancel();
	});
});

type Supplier = Awaited<ReturnType<typeof makeAdmittedSupplier>>;

/** A grade-A kids' lot of this supplier. */
function kidsLot(s: Supplier, title: string) {
	return createLot(s.principal, {
		title,
		categoryPath: 'apparel/kids/sets',
		source: 'wholesaler_stock',
		grade: 'A',
		tagPriceFen: 19900,
		unitPriceFen: 3500,
		moq: 50,
		onHand: 5000
	});
}

/** A new admitted supplier with one grade-A kids' lot. */
async function supplierLot(title: string) {
	const s = await makeAdmittedSupplier(await makeOperator());
	return { s, lot: await kidsLot(s, title) };
}

describe('sales facts', () => {
	it('keeps 7-day sales current on write, counts a retried order once, and rolls old sales off', async () => {
		const { s, lot } = await supplierLot('童装 运动两件套');
		const sale = (o: Partial<Parameters<typeof recordSale>[1]>) =>
			db().transaction((tx) =>
				recordSale(tx, {
					lotId: lot.id,
					buyerKey: 'buyer-a',
					quantity: 100,
					amountFen: 350000,
					channel: 'wholesale',
					...o
				})
			);
		expect(await sale({ orderRef: 'o-1' })).toBe(true);
		expect(await sale({ orderRef: 'o-1' })).toBe(false);
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(100);
		await sale({ orderRef: 'o-2', quantity: 50, soldAt: new Date(Date.now() - 6 * DAY) });
		await sale({ orderRef: 'o-3', quantity: 70, soldAt: new Date(Date.now() - 9 * DAY) });
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(150);
		// a first (full) run of the scheduled refresh agrees and leaves its marker
		expect((await refreshSalesStats()).full).toBe(true);
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(150);
		// two days pass: the 6-day-old sale leaves the window, and the incremental run notices
		await db()
			.update(lotSales)
			.set({ soldAt: sql`${lotSales.soldAt} - interval '2 days'` })
			.where(eq(lotSales.lotId, lot.id));
		const marker = and(eq(settings.scope, 'catalog'), eq(settings.key, 'sales_stats_refreshed_at'));
		const [m] = await db().select().from(settings).where(marker);
		const earlier = new Date(new Date((m!.value as { at: string }).at).getTime() - 2 * DAY);
		await db()
			.update(settings)
			.set({ value: { at: earlier.toISOString() } })
			.where(marker);
		const r = await refreshSalesStats();
		expect(r.full).toBe(false);
		expect(r.sales).toBeGreaterThanOrEqual(1);
		// and every lot's figure matches the facts again (demo sales crossed the window too)
		const [{ wrong }] = rowsOf(
			await db()
				.execute(sql`select count(*)::int as wrong from lots l where l.sales_7d <> coalesce((
				select sum(quantity) from lot_sales s where s.lot_id = l.id and s.sold_at > now() - interval '7 days'), 0)`)
		) as [{ wrong: number }];
		expect(wrong).toBe(0);
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(100);
	});

	it('takes in facts recorded without touching the lot at the next incremental run', async () => {
		const { s, lot } = await supplierLot('童装 卫衣');
		await refreshSalesStats();
		// Facts recorded without touching the lot (as the job copies them from orders) count at the
		// next run.
		const facts = [1, 2].map((n) => ({
			lotId: lot.id,
			supplierId: lot.supplierId,
			buyerKey: `buyer-${n}`,
			quantity: n * 3,
			amountFen: n * 7500,
			channel: 'dropship' as const,
			orderRef: `batch-order:${n}`,
			soldAt: new Date()
		}));
		await db().insert(lotSales).values(facts);
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(0);
		const r = await refreshSalesStats();
		expect(r.full).toBe(false);
		expect((await getLot(s.principal, lot.id)).sales7d).toBe(9);
	});

	it('computes the repurchase rate from buyers who came back to the supplier', async () => {
		const s = await makeAdmittedSupplier(await makeOperator());
		const a = await kidsLot(s, '卡通印花套装');
		const b = await kidsLot(s, '纯棉家居服套装');
		const sale = (lotId: string, buyerKey: string, ref: string) =>
			db().transaction((tx) =>
				recordSale(tx, {
					lotId,
					buyerKey,
					quantity: 50,
					amountFen: 175000,
					channel: 'wholesale',
					orderRef: ref
				})
			);
		await sale(a.id, 'b1', 'r1');
		await sale(a.id, 'b2', 'r2');
		await sale(a.id, 'b3', 'r3');
		await sale(a.id, 'b4', 'r4');
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(0);
		// b1 comes back for another of this supplier's lots: b's rate is current at once, and a's
		// (1 of its 4 buyers came back) after the next scheduled run
		await sale(b.id, 'b1', 'r5');
		expect((await getLot(s.principal, b.id)).repurchaseBp).toBe(10000);
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(0);
		await refreshSalesStats();
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(2500);
		await sale(a.id, 'b2', 'r6');
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(5000);
		// the scheduled refresh agrees with the incremental figures
		await db().update(lots).set({ repurchaseBp: 0 }).where(eq(lots.id, a.id));
		await refreshSalesStats({ full: true });
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(5000);
		// A minute of a flash sale brings tens of thousands of (supplier, buyer) pairs: more than a
		// statement takes as separate parameters. Together with the real pair, they still work.
		await db().update(lots).set({ repurchaseBp: 0 }).where(eq(lots.id, a.id));
		const pairs = Array.from({ length: 40_000 }, (_, n) => ({
			supplierId: s.orgId,
			buyerKey: `flash-${n}`
		}));
		pairs.push({ supplierId: s.orgId, buyerKey: 'b2' });
		expect(await refreshRepurchase(db(), { pairs }, DEFAULT_POLICY)).toBeGreaterThanOrEqual(1);
		expect((await getLot(s.principal, a.id)).repurchaseBp).toBe(5000);
	});
});
