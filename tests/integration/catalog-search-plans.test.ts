// The catalog search picks a plan per query (filter the head of the sort order, gather through
// the filter indexes, walk the sort index, or walk each category path). Whatever it picks, the
// page and its cursor must be the plain "filter, sort, limit" answer: these tests shrink the
// plan's thresholds so a small catalog goes down every path, and compare.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageKeysQuery, searchLots, searchPlan } from '../../src/lib/server/catalog/search';
import type { LotFilter } from '../../src/lib/server/catalog/schemas';
import { listBrands } from '../../src/lib/server/catalog';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { db } from '../../src/lib/server/db';
import { generateLots, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { rng } from '../../src/lib/server/seed/random';

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));
const defaults = { ...searchPlan };
let brands: string[] = [];

beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	expect(await seedDemoIfEmpty()).toBe(true);
	await generateLots(1500, { seed: 11 });
	await db().execute(sql`analyze lots`);
	brands = (await listBrands()).map((b) => b.id);
}, 120_000);
afterAll(() => {
	Object.assign(searchPlan, defaults);
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

const CATS = [
	'apparel',
	'apparel/women',
	'apparel/women/dresses',
	'apparel/kids/sets',
	'shoes',
	'shoes/sneakers',
	'home/bedding',
	'toys',
	'apparel/wom'
];
const WORDS = ['连衣裙', '童装', '鞋', '裙', 'dress', 'kids', 'hoodie', '外贸原单'];
const SORTS = ['sales', 'repurchase', 'price_asc', 'price_desc', 'newest'] as const;

function filters(seed: number, n: number): LotFilter[] {
	const r = rng(seed);
	const some = <T>(xs: readonly T[], max: number) => [
		...new Set(Array.from({ length: r.int(1, max) }, () => r.pick(xs)))
	];
	return Array.from({ length: n }, () => {
		const f: LotFilter = { sort: r.pick(SORTS), limit: 24 };
		if (r.next() < 0.6) f.category = r.pick(CATS);
		if (r.next() < 0.4) f.grade = some(['A', 'B', 'C'] as const, 2);
		if (r.next() < 0.25) f.source = some(['factory_overrun', 'wholesaler_stock'] as const, 2);
		if (r.next() < 0.2) f.brand = some(brands, 2);
		if (r.next() < 0.2) f.sizeProfile = some(['kids', 'standard', 'shoes'] as const, 2);
		if (r.next() < 0.3) {
			f.priceMinFen = r.int(0, 50) * 100;
			f.priceMaxFen = f.priceMinFen + r.int(10, 200) * 100;
		}
		if (r.next() < 0.2) f.moqMin = r.pick([50, 100, 200]);
		if (r.next() < 0.3) f.q = r.pick(WORDS);
		return f;
	});
}

/** The plain answer: every filter, sorted, limit + 1 rows. */
async function expected(f: LotFilter) {
	const rows = await pageKeysQuery(f, { kind: 'catalog' }, 24);
	return { ids: rows.slice(0, 24).map((r) => r.id), more: rows.length > 24 };
}

async function compare(f: LotFilter) {
	const page = await searchLots(f);
	const want = await expected(f);
	expect(
		page.items.map((i) => i.id),
		JSON.stringify(f)
	).toEqual(want.ids);
	expect(page.nextCursor !== null, JSON.stringify(f)).toBe(want.more);
	if (page.nextCursor) {
		const next = { ...f, cursor: page.nextCursor };
		const second = await searchLots(next);
		const want2 = await expected(next);
		expect(
			second.items.map((i) => i.id),
			JSON.stringify(next)
		).toEqual(want2.ids);
		expect(second.nextCursor !== null).toBe(want2.more);
	}
}

describe('catalog search plans', () => {
	const plans: [string, Partial<typeof searchPlan>][] = [
		['the defaults', {}],
		['gathering after a short head', { window: 40, textWindow: 40, probe: 100_000 }],
		[
			'walking once a small gather overflows',
			{ window: 40, textWindow: 40, probe: 20, byPathProbeEstimate: 1e9 }
		],
		[
			'gathering the stretch up to a sample page when a gather overflows',
			{ window: 40, textWindow: 40, probe: 30, byPathProbeEstimate: 1e9 }
		],
		[
			'walking category paths without gathering',
			{ window: 40, textWindow: 40, probe: 20, byPathProbeEstimate: -1 }
		],
		['no per-path walk for many paths', { window: 40, textWindow: 40, probe: 20, maxPaths: 1 }]
	];
	it.each(plans)('gives the plain filter-sort-limit page and cursor with %s', async (_, plan) => {
		Object.assign(searchPlan, defaults, plan);
		try {
			for (const f of filters(7, 120)) await compare(f);
		} finally {
			Object.assign(searchPlan, defaults);
		}
	});

	it('finds nothing, at once, under a category no lot has', async () => {
		const page = await searchLots({ category: 'toys', sort: 'price_desc', limit: 24 });
		expect(page).toEqual({ items: [], nextCursor: null });
	});
});
