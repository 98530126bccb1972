// Catalog search at scale: 200,000 lots on Postgres, 500 random filter + sort (+ text search)
// queries through the catalog service, timed one after another. Prints one JSON line:
// {"lots", "p50_ms", "p95_ms" (filter + sort), "p95_search_ms" (with text search), …}.
// Targets: p95 ≤ 25 ms for filters, ≤ 60 ms with text search.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { db } from '../src/lib/server/db';
import { facetCounts, searchLots } from '../src/lib/server/catalog/search';
import { refreshSalesStats } from '../src/lib/server/catalog/sales';
import type { LotFilter } from '../src/lib/server/catalog/schemas';
import { listBrands } from '../src/lib/server/catalog';
import { generateLots } from '../src/lib/server/seed/demo';
import { rng } from '../src/lib/server/seed/random';
import { benchDatabase } from './lib/database';
import { percentile, report, round } from './lib/stats';

const LOTS = Number(process.env.BENCH_LOTS ?? 200_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 500);
const log = (...a: unknown[]) => process.stderr.write(a.join(' ') + '\n');

if (!process.env.BENCH_DATABASE_URL && !process.env.DATABASE_URL) {
	log(
		'bench:catalog measures Postgres: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)'
	);
	process.exit(2);
}
const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-bench-media-'));
process.env.DATA_DIR = mediaDir;
const bench = await benchDatabase('catalog');
try {
	const t0 = performance.now();
	let last = 0;
	await generateLots(LOTS - 240, {
		seed: 42,
		batch: 1000,
		onProgress: (n) => {
			if (n - last >= 50_000) {
				last = n;
				log(`  ${n} lots`);
			}
		}
	});
	const loadMs = performance.now() - t0;
	// Sales history: about a third of the lots sold in the last 14 days, from 3,000 buyers, so the
	// 7-day and repurchase sorts have real figures; then the scheduled refresh computes them.
	const t1 = performance.now();
	await db().execute(sql`
		insert into lot_sales (lot_id, supplier_id, buyer_key, quantity, amount_fen, channel, sold_at)
		select l.id, l.supplier_id, 'bench-buyer-' || (abs(hashtext(l.id::text || g::text)) % 3000),
			l.moq, l.moq * l.unit_price_fen, 'wholesale',
			now() - (abs(hashtext(g::text || l.id::text)) % 1209600) * interval '1 second'
		from lots l cross join generate_series(1, 3) g
		where abs(hashtext(l.id::text)) % 3 = 0`);
	const refresh = await refreshSalesStats();
	const refreshMs = performance.now() - t1;
	// Steady state: autovacuum would have set the visibility map after a load this size; the
	// index-only walks rely on it.
	await db().execute(sql`vacuum analyze`);
	const [{ n }] = (await db().execute(sql`select count(*)::int as n from lots`)) as unknown as [
		{ n: number }
	];
	log(
		`loaded ${n} lots in ${Math.round(loadMs)} ms; sales refresh ${Math.round(refreshMs)} ms (${refresh.sales} lots)`
	);

	const r = rng(2026);
	const brands = (await listBrands()).map((b) => b.id);
	const CATS = [
		'apparel',
		'apparel/women',
		'apparel/women/dresses',
		'apparel/women/tshirts',
		'apparel/men',
		'apparel/men/down-jackets',
		'apparel/kids/sets',
		'shoes',
		'shoes/sneakers',
		'bags/backpacks',
		'home/bedding'
	];
	const WORDS = [
		'连衣裙',
		'童装',
		'羽绒服',
		'卫衣',
		'T恤',
		'鞋',
		'裙',
		'纯棉',
		'雪纺',
		'双肩包',
		'四件套',
		'dress',
		'hoodie',
		'sneakers',
		'kids',
		'yishang',
		'外贸原单',
		'直播爆款',
		'线头',
		'色差'
	];
	const SORTS = ['sales', 'repurchase', 'price_asc', 'price_desc', 'newest'] as const;
	const pickSome = <T>(xs: readonly T[], max: number) => [
		...new Set(Array.from({ length: r.int(1, max) }, () => r.pick(xs)))
	];
	const randomFilter = (search: boolean): LotFilter => {
		const f: LotFilter = { sort: r.pick(SORTS), limit: 24 };
		if (r.next() < 0.5) f.category = r.pick(CATS);
		if (r.next() < 0.4) f.grade = pickSome(['A', 'B', 'C'] as const, 2);
		if (r.next() < 0.25)
			f.source = pickSome(
				['factory_overrun', 'season_clearance', 'wholesaler_stock', 'ecommerce_return'] as const,
				2
			);
		if (r.next() < 0.25) f.scenario = pickSome(['export', 'stall', 'live_special'] as const, 1);
		if (r.next() < 0.2) f.brand = pickSome(brands, 2);
		if (r.next() < 0.2) f.region = pickSome(['广东省', '福建省', '浙江省'], 2);
		if (r.next() < 0.15)
			f.sizeProfile = pickSome(['large', 'standard', 'kids', 'shoes', 'one_size'] as const, 2);
		if (r.next() < 0.3) {
			f.priceMinFen = r.int(0, 50) * 100;
			f.priceMaxFen = f.priceMinFen + r.int(10, 200) * 100;
		}
		if (r.next() < 0.3) {
			f.moqMin = r.pick([0, 50, 100, 200]);
			f.moqMax = r.pick([200, 500, 1000, 5000]);
		}
		if (search) f.q = r.next() < 0.2 ? `${r.pick(WORDS)} ${r.pick(WORDS)}` : r.pick(WORDS);
		return f;
	};
	const time = async (fn: () => Promise<unknown>) => {
		const t = performance.now();
		await fn();
		return performance.now() - t;
	};
	// warm up
	for (let i = 0; i < 30; i++) await searchLots(randomFilter(i % 3 === 0));
	const filterMs: number[] = [];
	const searchMs: number[] = [];
	let nextPages = 0;
	for (let i = 0; i < QUERIES; i++) {
		const search = r.next() < 0.4;
		const f = randomFilter(search);
		let page: Awaited<ReturnType<typeof searchLots>> | undefined;
		const ms = await time(async () => (page = await searchLots(f)));
		(search ? searchMs : filterMs).push(ms);
		// BENCH_SLOW=1 lists the filters over the 25 ms target on stderr, to find the shapes to index.
		if (process.env.BENCH_SLOW && ms > 25) {
			process.stderr.write(`SLOW ${Math.round(ms)} ${JSON.stringify(f)}\n`);
		}
		// one in ten also fetches the next page with the cursor, timed like any query
		if (i % 10 === 0 && page?.nextCursor) {
			nextPages++;
			const c = page.nextCursor;
			(search ? searchMs : filterMs).push(await time(() => searchLots({ ...f, cursor: c })));
		}
	}
	const facetMs: number[] = [];
	for (let i = 0; i < 100; i++) {
		const f = randomFilter(r.next() < 0.4);
		facetMs.push(await time(() => facetCounts(f)));
	}
	const countMs: number[] = [];
	for (let i = 0; i < 20; i++)
		countMs.push(
			await time(() => db().execute(sql`select count(*) from lots where status = 'active'`))
		);
	report({
		bench: 'catalog',
		db: bench.kind,
		lots: Number(n),
		queries: filterMs.length + searchMs.length,
		next_pages: nextPages,
		p50_ms: round(percentile(filterMs, 50)),
		p95_ms: round(percentile(filterMs, 95)),
		p50_search_ms: round(percentile(searchMs, 50)),
		p95_search_ms: round(percentile(searchMs, 95)),
		max_search_ms: round(Math.max(...searchMs)),
		facets_p50_ms: round(percentile(facetMs, 50)),
		facets_p95_ms: round(percentile(facetMs, 95)),
		baseline_count_active_p50_ms: round(percentile(countMs, 50)),
		load_s: round(loadMs / 1000, 1),
		sales_refresh_ms: Math.round(refreshMs)
	});
} finally {
	await bench.close();
	rmSync(mediaDir, { recursive: true, force: true });
}
