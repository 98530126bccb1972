import { and, asc, desc, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { parseQuery } from '$lib/domain/search-text';
import { db, jsonValue, type DbOrTx } from '../db';
import { lots, orgs } from '../db/schema';
import { AppError, parse } from '../errors';
import { principalOrThrow, type Principal } from '../auth/principal';
import { isOperator } from './actor';
import { currentPolicy } from '../platform/policy';
import { LotFilterInput, toLotFilter, type LotFilter, type Sort } from './schemas';
import { summaryColumns, toSummary, visibleSql, type LotSummary } from './lots-read';

/** Whose lots a search covers: the catalog, one supplier's own lots (any status), or all (operator). */
export type SearchScope =
	| { kind: 'catalog' }
	| { kind: 'supplier'; orgId: string; status?: string[] }
	| { kind: 'all'; status?: string[] };

export interface SearchResult {
	items: LotSummary[];
	/** Opaque cursor for the next page; null on the last page. */
	nextCursor: string | null;
}

// ------------------------------------------------------------------ cursors

interface Cursor {
	s: Sort;
	v: number;
	id: string;
}

function encodeCursor(c: Cursor): string {
	return Buffer.from(JSON.stringify([c.s, c.v, c.id])).toString('base64url');
}

function decodeCursor(raw: string, sort: Sort): Cursor {
	const bad = () => new AppError('invalid', 'invalid_input', 'lot.err.cursor', { field: 'cursor' });
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
	} catch {
		throw bad();
	}
	if (
		!Array.isArray(parsed) ||
		parsed.length !== 3 ||
		parsed[0] !== sort ||
		typeof parsed[1] !== 'number' ||
		!Number.isSafeInteger(parsed[1]) ||
		typeof parsed[2] !== 'string' ||
		!/^[0-9a-f-]{36}$/i.test(parsed[2])
	)
		throw bad();
	return { s: sort, v: parsed[1], id: parsed[2] };
}

/** Sort column, direction; every sort ends in lots.id so ties page stably. */
const SORT_SPEC: Record<
	Sort,
	{
		col: AnyColumn;
		dir: 'asc' | 'desc';
	}
> = {
	sales: { col: lots.sales7d, dir: 'desc' },
	// the rate's Wilson lower bound: many buyers' 71% above a handful's 100%
	repurchase: { col: lots.repurchaseRankBp, dir: 'desc' },
	price_asc: { col: lots.unitPriceFen, dir: 'asc' },
	price_desc: { col: lots.unitPriceFen, dir: 'desc' },
	newest: { col: lots.seq, dir: 'desc' }
};

// ------------------------------------------------------------------ conditions

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const HAN = /\p{Script=Han}/u;

/** The text-search conditions: every term must match (AND). */
function textConditions(q: string): SQL[] {
	const out: SQL[] = [];
	for (const term of parseQuery(q)) {
		if (term.kind === 'gram') {
			out.push(sql`${lots.searchGrams} @> array[${term.text}]::text[]`);
			continue;
		}
		const like = sql`${lots.searchText} like ${`%${escapeLike(term.text)}%`}`;
		out.push(like);
		// Fewer than three characters make no trigram: narrow by the Chinese characters' grams.
		const chars = [...term.text];
		if (chars.length < 3) {
			const han = chars.filter((c) => HAN.test(c));
			if (han.length) out.push(sql`${lots.searchGrams} @> ${toTextArray(han)}`);
		}
	}
	return out;
}

const toTextArray = (xs: string[]) =>
	sql`array[${sql.join(
		xs.map((x) => sql`${x}`),
		sql`, `
	)}]::text[]`;

export type FacetDim =
	'category' | 'source' | 'grade' | 'scenario' | 'brand' | 'region' | 'sizeProfile';

/** One SQL condition per filter dimension, so facets can leave their own dimension out. */
function dimConditions(f: LotFilter): Partial<Record<FacetDim | 'moq' | 'price' | 'q', SQL>> {
	const c: Partial<Record<FacetDim | 'moq' | 'price' | 'q', SQL>> = {};
	if (f.category)
		c.category = sql`(${lots.categoryPath} = ${f.category} or ${lots.categoryPath} like ${`${escapeLike(f.category)}/%`})`;
	if (f.source?.length)
		c.source = sql`${lots.source} in (${sql.join(
			f.source.map((s) => sql`${s}`),
			sql`, `
		)})`;
	if (f.grade?.length)
		c.grade = sql`${lots.grade} in (${sql.join(
			f.grade.map((s) => sql`${s}`),
			sql`, `
		)})`;
	if (f.scenario?.length) c.scenario = sql`${lots.scenarios} && ${toTextArray(f.scenario)}`;
	if (f.brand?.length)
		c.brand = sql`${lots.brandId} in (${sql.join(
			f.brand.map((s) => sql`${s}::uuid`),
			sql`, `
		)})`;
	if (f.region?.length)
		c.region = sql`${lots.warehouseProvince} in (${sql.join(
			f.region.map((s) => sql`${s}`),
			sql`, `
		)})`;
	if (f.sizeProfile?.length)
		c.sizeProfile = sql`${lots.sizeProfile} in (${sql.join(
			f.sizeProfile.map((s) => sql`${s}`),
			sql`, `
		)})`;
	const moq: SQL[] = [];
	if (f.moqMin !== undefined) moq.push(sql`${lots.moq} >= ${f.moqMin}`);
	if (f.moqMax !== undefined) moq.push(sql`${lots.moq} <= ${f.moqMax}`);
	if (moq.length) c.moq = and(...moq)!;
	const price: SQL[] = [];
	if (f.priceMinFen !== undefined) price.push(sql`${lots.unitPriceFen} >= ${f.priceMinFen}`);
	if (f.priceMaxFen !== undefined) price.push(sql`${lots.unitPriceFen} <= ${f.priceMaxFen}`);
	if (price.length) c.price = and(...price)!;
	if (f.q) {
		const t = textConditions(f.q);
		if (t.length) c.q = and(...t)!;
	}
	return c;
}

function scopeCondition(scope: SearchScope): SQL | undefined {
	if (scope.kind === 'catalog') return visibleSql;
	if (scope.kind === 'supplier') {
		const own = sql`${lots.supplierId} = ${scope.orgId}::uuid`;
		if (scope.status?.length)
			return sql`${own} and ${lots.status} in (${sql.join(
				scope.status.map((s) => sql`${s}`),
				sql`, `
			)})`;
		return own;
	}
	if (scope.status?.length)
		return sql`${lots.status} in (${sql.join(
			scope.status.map((s) => sql`${s}`),
			sql`, `
		)})`;
	return undefined;
}

/** Parses query parameters (a URLSearchParams-like object) into a LotFilter; 400 names the field. */
export function parseLotFilter(raw: unknown): LotFilter {
	try {
		return toLotFilter(parse(LotFilterInput, raw));
	} catch (e) {
		// grade.0 → grade: the caller's query parameter is what needs fixing.
		if (e instanceof AppError && e.field?.includes('.'))
			throw new AppError(e.kind, e.code, e.message, {
				field: e.field.split('.')[0],
				params: e.params,
				issues: e.issues
			});
		throw e;
	}
}

/** Rows after the cursor, in the filter's sort order. */
function cursorCondition(filter: LotFilter): SQL | undefined {
	if (!filter.cursor) return undefined;
	const sort = filter.sort ?? 'sales';
	const spec = SORT_SPEC[sort];
	const c = decodeCursor(filter.cursor, sort);
	const op = spec.dir === 'desc' ? sql`<` : sql`>`;
	return sort === 'newest'
		? sql`${lots.seq} < ${c.v}`
		: sql`(${spec.col}, ${lots.id}) ${op} (${c.v}, ${c.id}::uuid)`;
}

/** Columns the filters and sorts read; the covering sort indexes hold all of them. */
const FILTER_COLUMNS = {
	id: lots.id,
	supplierId: lots.supplierId,
	categoryPath: lots.categoryPath,
	grade: lots.grade,
	source: lots.source,
	brandId: lots.brandId,
	warehouseProvince: lots.warehouseProvince,
	sizeProfile: lots.sizeProfile,
	moq: lots.moq,
	unitPriceFen: lots.unitPriceFen,
	scenarios: lots.scenarios,
	sales7d: lots.sales7d,
	repurchaseRankBp: lots.repurchaseRankBp,
	seq: lots.seq
};

function orderOf(sort: Sort) {
	const spec = SORT_SPEC[sort];
	return sort === 'newest'
		? [desc(lots.seq)]
		: spec.dir === 'desc'
			? [desc(spec.col), desc(lots.id)]
			: [asc(spec.col), asc(lots.id)];
}

type KeyRow = { id: string; key: number };

/** The sort key column of a sort. */
const keyColumn = (sort: Sort): AnyColumn => (sort === 'newest' ? lots.seq : SORT_SPEC[sort].col);

/**
 * Ids and sort keys of the next page (limit + 1 rows, to tell whether another page follows).
 * `window` looks only at the first `window` lots of the scope in sort order (from the cursor
 * on) and filters those: an index-only walk of the covering sort index when there is no text
 * query; exact whenever it finds limit + 1 rows. A price range bounds the walk of the price
 * index itself, so for the price sorts the window starts at the range. (Exported so the bench
 * can EXPLAIN it.)
 */
export function pageKeysQuery(
	filter: LotFilter,
	scope: SearchScope,
	limit: number,
	opts: { window?: number; tx?: DbOrTx } = {}
) {
	const sort = filter.sort ?? 'sales';
	const order = orderOf(sort);
	const conds = dimConditions(filter);
	const filters = Object.values(conds);
	const q = opts.tx ?? db();
	const key = sql<number>`${keyColumn(sort)}`.mapWith(Number);
	if (opts.window) {
		const priceSort = sort === 'price_asc' || sort === 'price_desc';
		const head = q
			.select(
				filter.q
					? { ...FILTER_COLUMNS, searchText: lots.searchText, searchGrams: lots.searchGrams }
					: FILTER_COLUMNS
			)
			.from(lots)
			.where(
				and(scopeCondition(scope), cursorCondition(filter), priceSort ? conds.price : undefined)
			)
			.orderBy(...order)
			.limit(opts.window)
			.as('lots');
		return q
			.select({ id: lots.id, key })
			.from(head)
			.where(and(...filters))
			.orderBy(...order)
			.limit(limit + 1);
	}
	return q
		.select({ id: lots.id, key })
		.from(lots)
		.where(and(scopeCondition(scope), cursorCondition(filter), ...filters))
		.orderBy(...order)
		.limit(limit + 1);
}

/**
 * The page through the filter indexes: bitmap scans (category, brand, region, scenarios, price,
 * text), sorted by the database (top-N). With a `cap`, only the first `cap` + 1 matches the scan
 * meets (in table order, so a sample as far as the sort goes) are sorted; `complete` says
 * whether that was all of them.
 */
async function gatherPage(
	filter: LotFilter,
	scope: SearchScope,
	limit: number,
	cap?: number,
	extra?: SQL
): Promise<{ rows: KeyRow[]; complete: boolean }> {
	const sort = filter.sort ?? 'sales';
	const dir = sort === 'newest' || SORT_SPEC[sort].dir === 'desc' ? sql`desc` : sql`asc`;
	return db().transaction(async (tx) => {
		// The sort indexes are off limits here: walking them is what this step avoids. Queries in
		// transactions are prepared statements: plan each for its values, never a generic plan
		// (which knows neither the words nor how narrow the filters are).
		await tx.execute(
			sql`select set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)`
		);
		const matches = tx
			.select({ id: lots.id, key: sql`${keyColumn(sort)}`.as('key') })
			.from(lots)
			.where(
				and(
					scopeCondition(scope),
					cursorCondition(filter),
					...Object.values(dimConditions(filter)),
					extra
				)
			);
		const capped = cap === undefined ? matches : matches.limit(cap + 1);
		const rows = rowsOf(
			await tx.execute(
				sql`select id, key, count(*) over () as n from (${capped}) m order by key ${dir}, id ${dir} limit ${limit + 1}`
			)
		);
		return {
			rows: rows.map((r) => ({ id: String(r.id), key: Number(r.key) })),
			complete: cap === undefined || rows.length === 0 || Number(rows[0]!.n) <= cap
		};
	});
}

/**
 * Lots up to and including `last` in the sort order. The plain bound on the sort key repeats the
 * row comparison so that the planner sees a range it can take from an index into a bitmap.
 */
function upTo(sort: Sort, last: KeyRow): SQL {
	if (sort === 'newest') return sql`${lots.seq} >= ${last.key}`;
	const spec = SORT_SPEC[sort];
	const op = spec.dir === 'desc' ? sql`>=` : sql`<=`;
	return sql`${spec.col} ${op} ${last.key} and (${spec.col}, ${lots.id}) ${op} (${last.key}, ${last.id}::uuid)`;
}

/** The planner's estimate of how many lots match (EXPLAIN plans the query; nothing runs). */
async function estimateMatches(
	filter: LotFilter,
	scope: SearchScope,
	extra?: SQL
): Promise<number> {
	const query = db()
		.select({ id: lots.id })
		.from(lots)
		.where(
			and(
				scopeCondition(scope),
				cursorCondition(filter),
				...Object.values(dimConditions(filter)),
				extra
			)
		);
	const [row] = rowsOf(await db().execute(sql`explain (format json) ${query}`));
	const plan = jsonValue<unknown>(row?.['QUERY PLAN']);
	const rows = (plan as { Plan?: { 'Plan Rows'?: number } }[] | undefined)?.[0]?.Plan?.[
		'Plan Rows'
	];
	return typeof rows === 'number' ? rows : Infinity;
}

/**
 * The category paths lots have under a category (itself and its descendants), read from the
 * path index one distinct value at a time (a loose index scan: one probe per path). Every lot
 * the category filter matches has one of these paths.
 */
async function categoryPaths(category: string): Promise<string[]> {
	// [category, category + '0') in byte order holds category, category/… (and siblings such as
	// category-x, dropped below); text_pattern_ops compares bytes, like these operators.
	const lo = category;
	const hi = `${category}0`;
	const res = await db().execute(sql`
		with recursive p(path) as (
			(select ${lots.categoryPath} from ${lots}
				where ${lots.categoryPath} ~>=~ ${lo} and ${lots.categoryPath} ~<~ ${hi}
				order by ${lots.categoryPath} using ~<~ limit 1)
			union all
			select (select ${lots.categoryPath} from ${lots}
				where ${lots.categoryPath} ~>~ p.path and ${lots.categoryPath} ~<~ ${hi}
				order by ${lots.categoryPath} using ~<~ limit 1)
			from p where p.path is not null
		)
		select path from p where path is not null`);
	return rowsOf(res)
		.map((r) => String(r.path))
		.filter((p) => p === category || p.startsWith(`${category}/`));
}

/**
 * The page of a price sort within a category: one walk of lots_cover_category_price_idx per
 * category path, each in price order and stopping at limit + 1 matches, merged in price order.
 * Each walk reads at most its own category, however far along the catalog's price order that
 * category's lots sit.
 */
async function leafWalk(
	filter: LotFilter,
	scope: SearchScope,
	limit: number,
	paths: string[]
): Promise<KeyRow[]> {
	if (paths.length === 0) return [];
	const sort = filter.sort ?? 'sales';
	const dir = SORT_SPEC[sort].dir === 'desc' ? sql`desc` : sql`asc`;
	const where = [
		scopeCondition(scope),
		cursorCondition(filter),
		...Object.values(dimConditions(filter))
	];
	const branches = paths.map(
		(p) =>
			sql`(${db()
				.select({ id: lots.id, key: sql`${lots.unitPriceFen}`.as('key') })
				.from(lots)
				.where(and(eq(lots.categoryPath, p), ...where))
				.orderBy(...orderOf(sort))
				.limit(limit + 1)})`
	);
	const rows = rowsOf(
		await db().execute(
			sql`select id, key from (${sql.join(branches, sql` union all `)}) u order by key ${dir}, id ${dir} limit ${limit + 1}`
		)
	);
	return rows.map((r) => ({ id: String(r.id), key: Number(r.key) }));
}

/**
 * When pageKeys gathers and when it walks. Tests shrink these to send small catalogs down every
 * path; results never depend on them, only the time they take.
 */
export const searchPlan = {
	/**
	 * How many lots in sort order the first attempt looks at. Index-only (a page of the sort
	 * index holds some 26 lots, where each gathered match costs a table page), so a long window
	 * is cheap.
	 */
	window: 10_000,
	/** The same with a text query, whose walk reads each lot's table row for the text. */
	textWindow: 2000,
	/** Up to this many matches are gathered through the filter indexes and sorted by the database. */
	probe: 2500,
	/** A price sort within a category gathers first only when the planner expects this few. */
	byPathProbeEstimate: 500,
	/** More paths than this under a category and the per-path walk is not worth its branches. */
	maxPaths: 32
};

/**
 * Finds the page's ids in up to three steps, because no single plan is fast for every filter
 * on a large catalog: the planner assumes filters are independent, but grade, price, MOQ,
 * category, sales and the words of a title are not, so a plain "walk the sort index until the
 * page is full" can read the whole table for matches that sit at its far end, while "filter
 * first, then sort" reads a table page for every match of a broad filter.
 *
 * 1. Filter the head of the sort order (`window` lots, index-only; `textWindow` with a text query,
 *    which reads each row for its text). Broad filters find a full page here, and a full page
 *    found here is exactly the right one.
 * 2. Otherwise gather up to `probe` matches through the filter indexes (one bitmap over category
 *    paths, grade, source, brand, region, size and scenarios, with price and the text indexes)
 *    and let the database sort them (top-N, so only the page travels). Selective filters end
 *    here. A price sort within a category skips this unless the planner expects few matches:
 *    its walk in step 3 is bounded by the category anyway.
 * 3. More than `probe` matches, yet few near the head: walk the sort index to the end if need be,
 *    or for a price sort within a category, each of the category's paths (leafWalk).
 */
async function pageKeys(filter: LotFilter, scope: SearchScope, limit: number): Promise<KeyRow[]> {
	if (scope.kind === 'supplier') return pageKeysQuery(filter, scope, limit);
	const window = filter.q ? searchPlan.textWindow : searchPlan.window;
	const head = await pageKeysQuery(filter, scope, limit, { window });
	if (head.length > limit) return head;
	const sort = filter.sort ?? 'sales';
	// The category's paths as an equality list join the other filters in the one scan of the
	// filter index (a prefix match cannot), so "kids' sizes in women's wear" is an empty bitmap
	// rather than a read of every lot in kids' sizes.
	const paths = filter.category ? await categoryPaths(filter.category) : null;
	if (paths?.length === 0) return [];
	const inPaths = paths && paths.length <= searchPlan.maxPaths ? paths : null;
	const extra = inPaths ? inArray(lots.categoryPath, inPaths) : undefined;
	// Price sorts within a category walk each path on its own (not with a text query: each
	// path's walk would read rows until it has a page or runs out of lots).
	const priceSort = sort === 'price_asc' || sort === 'price_desc';
	const byPath = inPaths !== null && !filter.q && priceSort;
	const gatherFirst =
		!byPath || (await estimateMatches(filter, scope, extra)) <= searchPlan.byPathProbeEstimate;
	const sample = gatherFirst
		? await gatherPage(filter, scope, limit, searchPlan.probe, extra)
		: null;
	if (sample?.complete) return sample.rows;
	if (byPath) return leafWalk(filter, scope, limit, inPaths);
	// A text query's walk reads a row per lot it passes, and words cluster by price (down
	// jackets at the far end of price ascending, T-shirts of price descending). The sample's
	// page is a page of real matches, so the true page lies no further along the sort order
	// than its last lot: gather just that stretch. (Sales and repurchase rates are zero for
	// most lots, so there the stretch is often most of the catalog; walk.)
	if (filter.q && priceSort && sample && sample.rows.length > limit) {
		const bound = upTo(sort, sample.rows[limit]!);
		return (await gatherPage(filter, scope, limit, undefined, and(extra, bound))).rows;
	}
	return pageKeysQuery(filter, scope, limit);
}

/** Summary rows for ids, in the order given. */
async function summariesInOrder(ids: string[]) {
	if (ids.length === 0) return [];
	const rows = await db()
		.select(summaryColumns)
		.from(lots)
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.where(inArray(lots.id, ids));
	const byId = new Map(rows.map((r) => [r.id, r]));
	return ids.map((id) => byId.get(id)).filter((r): r is (typeof rows)[number] => !!r);
}

/**
 * One page of lots matching a filter, in the filter's sort order, with an opaque cursor for the
 * next page. The catalog scope shows only active lots of admitted suppliers.
 */
export async function searchLots(
	filter: LotFilter,
	opts: { scope?: SearchScope; actor?: Principal } = {}
): Promise<SearchResult> {
	const scope = resolveScope(opts);
	const policy = currentPolicy();
	const sort = filter.sort ?? 'sales';
	const limit = Math.min(filter.limit ?? policy.catalog.pageSize, policy.catalog.maxPageSize);
	const keys = await pageKeys(filter, scope, limit);
	const page = keys.slice(0, limit);
	const last = page[page.length - 1];
	const items = (await summariesInOrder(page.map((k) => k.id))).map(toSummary);
	return {
		items,
		nextCursor:
			keys.length > limit && last ? encodeCursor({ s: sort, v: last.key, id: last.id }) : null
	};
}

function resolveScope(opts: { scope?: SearchScope; actor?: Principal }): SearchScope {
	const scope = opts.scope ?? { kind: 'catalog' };
	if (scope.kind === 'catalog') return scope;
	const actor = principalOrThrow(opts.actor);
	if (scope.kind === 'all' && !isOperator(actor))
		throw new AppError('forbidden', 'forbidden', 'lot.err.operator_only');
	if (scope.kind === 'supplier' && !isOperator(actor) && actor.orgId !== scope.orgId)
		throw new AppError('forbidden', 'forbidden', 'lot.err.not_your_lot');
	return scope;
}

// ------------------------------------------------------------------ facets

export interface Facets {
	/** Lots matching the whole filter. */
	total: number;
	/** Per dimension: value → count under every other filter (a dimension's own choice is left
	 * out, so its other values show what picking them would add). Categories count leaf paths. */
	category: Record<string, number>;
	source: Record<string, number>;
	grade: Record<string, number>;
	scenario: Record<string, number>;
	brand: Record<string, number>;
	region: Record<string, number>;
	sizeProfile: Record<string, number>;
}

const DIM_COLUMN: Record<Exclude<FacetDim, 'scenario'>, SQL> = {
	category: sql`${lots.categoryPath}`,
	source: sql`${lots.source}::text`,
	grade: sql`${lots.grade}::text`,
	brand: sql`${lots.brandId}::text`,
	region: sql`${lots.warehouseProvince}`,
	sizeProfile: sql`${lots.sizeProfile}`
};
const DIMS: FacetDim[] = [
	'category',
	'source',
	'grade',
	'scenario',
	'brand',
	'region',
	'sizeProfile'
];

/**
 * Facet counts for the catalog under a filter. One grouped scan answers every dimension the
 * filter leaves free; each dimension the filter constrains gets its own count without its own
 * condition (disjunctive facets), so a buyer sees what ticking another grade would add.
 */
export async function facetCounts(
	filter: LotFilter,
	opts: { scope?: SearchScope; actor?: Principal } = {}
): Promise<Facets> {
	const scope = resolveScope(opts);
	const conds = dimConditions(filter);
	const base = scopeCondition(scope);
	const out: Facets = {
		total: 0,
		category: {},
		source: {},
		grade: {},
		scenario: {},
		brand: {},
		region: {},
		sizeProfile: {}
	};
	const whereAll = and(base, ...Object.values(conds));
	const free = DIMS.filter((d) => !conds[d]);
	const constrained = DIMS.filter((d) => conds[d]);

	const plain = free.filter((d): d is Exclude<FacetDim, 'scenario'> => d !== 'scenario');
	// One scan: grouping sets over the free dimensions plus the grand total.
	const sets = [...plain.map((d) => sql`(${DIM_COLUMN[d]})`), sql`()`];
	const cols = plain.map((d) => sql`${DIM_COLUMN[d]} as ${sql.identifier(d)}`);
	const grouping = plain.map((d) => sql`grouping(${DIM_COLUMN[d]}) as ${sql.identifier(`g_${d}`)}`);
	const res = await db().execute(
		sql`select ${sql.join([...cols, ...grouping, sql`count(*)::int as n`], sql`, `)} from ${lots} where ${whereAll ?? sql`true`} group by grouping sets (${sql.join(sets, sql`, `)})`
	);
	for (const r of rowsOf(res)) {
		const n = Number(r.n);
		const which = plain.find((d) => Number(r[`g_${d}`]) === 0);
		if (!which) out.total = n;
		else if (r[which] !== null && r[which] !== undefined) out[which][String(r[which])] = n;
	}
	const tasks: Promise<void>[] = [];
	if (free.includes('scenario')) tasks.push(scenarioCounts(whereAll, out.scenario));
	for (const d of constrained) {
		const others = Object.entries(conds)
			.filter(([k]) => k !== d)
			.map(([, v]) => v);
		const where = and(base, ...others);
		if (d === 'scenario') tasks.push(scenarioCounts(where, out.scenario));
		else
			tasks.push(
				(async () => {
					const r = await db().execute(
						sql`select ${DIM_COLUMN[d]} as v, count(*)::int as n from ${lots} where ${where ?? sql`true`} group by 1`
					);
					for (const row of rowsOf(r)) if (row.v !== null) out[d][String(row.v)] = Number(row.n);
				})()
			);
	}
	// PGlite runs one query at a time anyway; on Postgres these use separate pool connections.
	await Promise.all(tasks);
	return out;
}

async function scenarioCounts(where: SQL | undefined, into: Record<string, number>) {
	const r = await db().execute(
		sql`select s as v, count(*)::int as n from ${lots}, unnest(${lots.scenarios}) s where ${where ?? sql`true`} group by 1`
	);
	for (const row of rowsOf(r)) into[String(row.v)] = Number(row.n);
}

/** db().execute returns an array on postgres.js and {rows} on PGlite. */
export function rowsOf(res: unknown): Record<string, unknown>[] {
	if (Array.isArray(res)) return res as Record<string, unknown>[];
	return ((res as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}
