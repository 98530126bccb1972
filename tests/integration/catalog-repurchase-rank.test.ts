// The repurchase sort ranks by the Wilson lower bound of the rate (domain/repurchase.ts), which
// the stats job stores per lot next to the rate and the count of buyers behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/lib/domain/policy';
import { wilsonLowerBoundBp } from '../../src/lib/domain/repurchase';
import { refreshSalesStats } from '../../src/lib/server/catalog/sales';
import { pageKeysQuery, rowsOf, searchLots } from '../../src/lib/server/catalog/search';
import { createLot } from '../../src/lib/server/catalog';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { db } from '../../src/lib/server/db';
import { lotSales, lots } from '../../src/lib/server/db/schema';
import { generateLots, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { rng } from '../../src/lib/server/seed/random';
import { makeAdmittedSupplier, makeOperator } from '../helpers/catalog';

const Z = DEFAULT_POLICY.catalog.repurchaseConfidenceZ;
const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));
let supplier: Awaited<ReturnType<typeof makeAdmittedSupplier>>;

beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	expect(await seedDemoIfEmpty()).toBe(true);
	supplier = await makeAdmittedSupplier(await makeOperator());
}, 120_000);
afterAll(() => {
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

function lot(title: string) {
	return createLot(supplier.principal, {
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

/** `buyers` buyers of the lot, of whom `repeat` bought it twice (separate sales). */
async function sales(lotId: string, tag: string, buyers: number, repeat: number) {
	const rows = [];
	for (let b = 0; b < buyers; b++) {
		const buyerKey = `${tag}-${b}`;
		for (let k = 0; k < (b < repeat ? 2 : 1); k++) {
			rows.push({
				lotId,
				supplierId: supplier.orgId,
				buyerKey,
				quantity: 50,
				amountFen: 175000,
				channel: 'wholesale' as const,
				orderRef: `${buyerKey}-${k}`,
				soldAt: new Date(Date.now() - (k + 1) * 86_400_000)
			});
		}
	}
	for (let i = 0; i < rows.length; i += 1000) {
		await db()
			.insert(lotSales)
			.values(rows.slice(i, i + 1000));
	}
}

async function stored(id: string) {
	const [l] = await db()
		.select({
			bp: lots.repurchaseBp,
			buyers: lots.repurchaseBuyers,
			rank: lots.repurchaseRankBp
		})
		.from(lots)
		.where(eq(lots.id, id));
	return l!;
}

describe('repurchase rank', () => {
	it('ranks 71% of 312 buyers above 100% of 3, and shows the count with the rate', async () => {
		const few = await lot('回头率排序测试 三位买家');
		const many = await lot('回头率排序测试 三百位买家');
		await sales(few.id, 'few', 3, 3);
		await sales(many.id, 'many', 312, 222);
		await refreshSalesStats({ full: true });
		expect(await stored(few.id)).toEqual({
			bp: 10000,
			buyers: 3,
			rank: wilsonLowerBoundBp(3, 3, Z)
		});
		expect(await stored(many.id)).toEqual({
			bp: 7115,
			buyers: 312,
			rank: wilsonLowerBoundBp(222, 312, Z)
		});
		const page = await searchLots({ q: '回头率排序测试', sort: 'repurchase', limit: 10 });
		expect(page.items.map((i) => i.id)).toEqual([many.id, few.id]);
		expect(page.items[0]).toMatchObject({ repurchaseBp: 7115, repurchaseBuyers: 312 });
		expect(page.items[1]).toMatchObject({ repurchaseBp: 10000, repurchaseBuyers: 3 });
	});

	it('stores exactly the domain function’s rank for any counts (SQL and TypeScript agree)', async () => {
		const r = rng(5);
		const cases: { id: string; n: number; s: number }[] = [];
		for (let i = 0; i < 12; i++) {
			const n = r.int(1, 120);
			const s = r.int(0, n);
			const l = await lot(`回头率一致性 ${i}`);
			await sales(l.id, `case${i}`, n, s);
			cases.push({ id: l.id, n, s });
		}
		await refreshSalesStats({ full: true });
		for (const c of cases) {
			expect(await stored(c.id), JSON.stringify(c)).toEqual({
				bp: Math.floor((c.s * 10000) / c.n),
				buyers: c.n,
				rank: wilsonLowerBoundBp(c.s, c.n, Z)
			});
		}
		// sales leaving the window take the count and the rank with them
		await db()
			.update(lotSales)
			.set({ soldAt: new Date(Date.now() - 400 * 86_400_000) })
			.where(eq(lotSales.lotId, cases[0]!.id));
		await refreshSalesStats({ full: true });
		expect(await stored(cases[0]!.id)).toEqual({ bp: 0, buyers: 0, rank: 0 });
	});

	it('has a covering index that gives the repurchase order without sorting, like the sales sort', async () => {
		// (At this size the planner may rightly sort a few rows; bench:catalog measures 200k lots.
		// Here: with sorting priced out, each sort's order comes from its own covering index.)
		await generateLots(1500, { seed: 3 });
		await db().execute(sql`analyze lots`);
		const planOf = (sort: 'repurchase' | 'sales') =>
			db().transaction(async (tx) => {
				await tx.execute(sql`set local enable_sort = off`);
				await tx.execute(sql`set local enable_seqscan = off`);
				const q = pageKeysQuery({ sort, limit: 24 }, { kind: 'catalog' }, 24, { tx });
				const [row] = rowsOf(await tx.execute(sql`explain (format json) ${q.getSQL()}`));
				return JSON.stringify(row!['QUERY PLAN']);
			});
		const rank = await planOf('repurchase');
		expect(rank).toContain('lots_cover_repurchase_rank_idx');
		expect(rank).not.toContain('"Node Type":"Sort"');
		expect(await planOf('sales')).toContain('lots_cover_sales_idx');
		// the old index of the raw rate is gone (nothing sorts by it)
		const old = rowsOf(
			await db().execute(
				sql`select 1 from pg_indexes where indexname = 'lots_cover_repurchase_idx'`
			)
		);
		expect(old).toHaveLength(0);
	}, 120_000);
});
