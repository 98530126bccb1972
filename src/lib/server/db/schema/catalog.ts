import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { orgs } from './orgs';
import { users } from './auth';

export const supplierStatus = pgEnum('supplier_status', ['pending', 'admitted', 'blocked']);
export const supplierType = pgEnum('supplier_type', [
	'brand_factory',
	'brand_hq',
	'wholesaler',
	'ecommerce_returns'
]);
export const lotSource = pgEnum('lot_source', [
	'factory_overrun',
	'season_clearance',
	'wholesaler_stock',
	'ecommerce_return'
]);
export const lotGrade = pgEnum('lot_grade', ['A', 'B', 'C']);
export const lotStatus = pgEnum('lot_status', ['draft', 'active', 'blocked', 'archived']);
export const mediaKind = pgEnum('media_kind', ['photo', 'defect_video', 'document']);
export const saleChannel = pgEnum('sale_channel', ['wholesale', 'dropship']);

/** A supplier organisation's marketplace profile; admitted by an operator before it sells. */
export const suppliers = pgTable(
	'suppliers',
	{
		orgId: uuid('org_id')
			.primaryKey()
			.references(() => orgs.id, { onDelete: 'cascade' }),
		type: supplierType('type').notNull().default('wholesaler'),
		status: supplierStatus('status').notNull().default('pending'),
		/** Province and city of the main warehouse, e.g. 广东省 广州市. */
		province: text('province').notNull().default(''),
		city: text('city').notNull().default(''),
		description: text('description').notNull().default(''),
		statusReason: text('status_reason'),
		statusChangedBy: uuid('status_changed_by').references(() => users.id, { onDelete: 'set null' }),
		statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('suppliers_status_idx').on(t.status)]
);

export const brands = pgTable(
	'brands',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		nameEn: text('name_en').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('brands_name_key').on(t.name)]
);

/** Authorisation documents: a supplier's licence and its right to sell a brand. */
export const supplierDocuments = pgTable(
	'supplier_documents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => suppliers.orgId, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['business_license', 'brand_authorization'] }).notNull(),
		brandId: uuid('brand_id').references(() => brands.id, { onDelete: 'set null' }),
		title: text('title').notNull(),
		storageKey: text('storage_key'),
		validUntil: timestamp('valid_until', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('supplier_documents_supplier_idx').on(t.supplierId)]
);

/** Attribute definitions a vertical category carries (down jackets: length, fill). */
export interface CategoryAttribute {
	key: string;
	label: { 'zh-CN': string; en: string };
	options: { value: string; label: { 'zh-CN': string; en: string } }[];
}

export const categories = pgTable(
	'categories',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		parentId: uuid('parent_id'),
		slug: text('slug').notNull(),
		/** Materialised path of slugs, e.g. apparel/women/dresses; filters match by prefix. */
		path: text('path').notNull(),
		depth: integer('depth').notNull(),
		nameZh: text('name_zh').notNull(),
		nameEn: text('name_en').notNull(),
		attributes: jsonb('attributes').$type<CategoryAttribute[]>().notNull().default([]),
		position: integer('position').notNull().default(0)
	},
	(t) => [
		uniqueIndex('categories_path_key').on(t.path),
		index('categories_parent_idx').on(t.parentId)
	]
);

export type SizeBreakdown = Record<string, number>;

export const lots = pgTable(
	'lots',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => suppliers.orgId, { onDelete: 'restrict' }),
		brandId: uuid('brand_id').references(() => brands.id, { onDelete: 'set null' }),
		categoryId: uuid('category_id')
			.notNull()
			.references(() => categories.id, { onDelete: 'restrict' }),
		/** Copy of the category's path for prefix filtering without a join. */
		categoryPath: text('category_path').notNull(),
		title: text('title').notNull(),
		/** The supplier's own SKU code (货号); a re-imported sheet updates the lot by it. */
		supplierSku: text('supplier_sku'),
		description: text('description').notNull().default(''),
		source: lotSource('source').notNull(),
		grade: lotGrade('grade').notNull(),
		defectDescription: text('defect_description'),
		tagPriceFen: integer('tag_price_fen').notNull(),
		unitPriceFen: integer('unit_price_fen').notNull(),
		/** An operator allowed this price outside its grade band. */
		priceOverride: boolean('price_override').notNull().default(false),
		moq: integer('moq').notNull().default(1),
		/** Stock counters. locked: held for live shows; allocated: taken by orders not yet shipped. */
		onHand: integer('on_hand').notNull().default(0),
		locked: integer('locked').notNull().default(0),
		allocated: integer('allocated').notNull().default(0),
		/** Bumped by every change of the stock counters; clients drop stale updates with it. */
		stockVersion: bigint('stock_version', { mode: 'number' }).notNull().default(0),
		sizeBreakdown: jsonb('size_breakdown').$type<SizeBreakdown>().notNull().default({}),
		attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
		warehouseProvince: text('warehouse_province').notNull().default(''),
		warehouseCity: text('warehouse_city').notNull().default(''),
		talkingPoints: text('talking_points').notNull().default(''),
		dropshipAllowed: boolean('dropship_allowed').notNull().default(true),
		/** Default host commission, basis points of the sale price (1500 = 15%). */
		commissionBp: integer('commission_bp').notNull().default(1500),
		status: lotStatus('status').notNull().default('active'),
		statusReason: text('status_reason'),
		/** Derived at every write by the domain rules (export, stall, live_special); never typed. */
		scenarios: text('scenarios')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** Derived: share of large sizes in basis points, from size_breakdown. */
		largeSizeBp: integer('large_size_bp').notNull().default(0),
		/** Derived from size_breakdown: large | standard | kids | shoes | one_size | none. */
		sizeProfile: text('size_profile').notNull().default('none'),
		hasDefectVideo: boolean('has_defect_video').notNull().default(false),
		/** Derived from order data (refreshed by the catalog stats job). */
		sales7d: integer('sales_7d').notNull().default(0),
		repurchaseBp: integer('repurchase_bp').notNull().default(0),
		/** Buyers of the lot in the repurchase window: the count behind `repurchase_bp`. */
		repurchaseBuyers: integer('repurchase_buyers').notNull().default(0),
		/**
		 * What the repurchase sort ranks by: the Wilson lower bound of the rate (basis points,
		 * domain/repurchase.ts), so a rate of many buyers outranks a higher one of a handful.
		 * Its covering sort index is lots_cover_repurchase_rank_idx (custom SQL in the migration).
		 */
		repurchaseRankBp: integer('repurchase_rank_bp').notNull().default(0),
		/** Text the search index covers: title, brand, category names, description. */
		searchText: text('search_text').notNull().default(''),
		/** Derived: the Chinese characters and character pairs of search_text, so one- and
		 * two-character queries (which make no trigram) still use an index. */
		searchGrams: text('search_grams')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		blockedBy: uuid('blocked_by').references(() => users.id, { onDelete: 'set null' }),
		blockedAt: timestamp('blocked_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		/** Monotonic sequence for stable newest-first cursors. */
		seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity()
	},
	(t) => [
		check(
			'lots_stock_invariant',
			sql`${t.locked} >= 0 and ${t.allocated} >= 0 and ${t.locked} + ${t.allocated} <= ${t.onHand}`
		),
		check('lots_prices_positive', sql`${t.tagPriceFen} > 0 and ${t.unitPriceFen} > 0`),
		check('lots_moq_positive', sql`${t.moq} >= 1`),
		index('lots_supplier_idx').on(t.supplierId, t.seq),
		index('lots_category_path_idx').on(t.categoryPath.op('text_pattern_ops')),
		// The catalog's sort indexes (sales, repurchase, price, newest) cover every filter column
		// so a filtered walk is index-only, and a btree_gin index answers any mix of equality
		// filters; both need INCLUDE / btree_gin, which drizzle-kit cannot express, so they are
		// created in the custom migration drizzle/0004_catalog_search_indexes.sql.
		index('lots_brand_idx').on(t.brandId),
		index('lots_province_idx').on(t.warehouseProvince),
		index('lots_scenarios_idx').using('gin', t.scenarios),
		index('lots_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
		index('lots_search_grams_idx').using('gin', t.searchGrams),
		uniqueIndex('lots_supplier_sku_idx')
			.on(t.supplierId, t.supplierSku)
			.where(sql`${t.supplierSku} is not null`)
	]
);

export const lotMedia = pgTable(
	'lot_media',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		kind: mediaKind('kind').notNull(),
		storageKey: text('storage_key').notNull(),
		mime: text('mime').notNull(),
		bytes: integer('bytes').notNull(),
		position: integer('position').notNull().default(0),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('lot_media_lot_idx').on(t.lotId, t.position)]
);

/**
 * Sales facts the catalog ranks by (7-day sales, repurchase rate). Order services add rows with
 * catalog.recordSale inside their own transaction; `orderRef` makes a retried write count once.
 */
export const lotSales = pgTable(
	'lot_sales',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => suppliers.orgId, { onDelete: 'cascade' }),
		/** The buyer org's id, or a hash of a consumer's phone number for dropship orders. */
		buyerKey: text('buyer_key').notNull(),
		quantity: integer('quantity').notNull(),
		amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
		channel: saleChannel('channel').notNull(),
		orderRef: text('order_ref'),
		soldAt: timestamp('sold_at', { withTimezone: true }).notNull().defaultNow(),
		/** When the fact was written (the stats job picks up buyers of facts written since its last run). */
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('lot_sales_quantity_positive', sql`${t.quantity} > 0 and ${t.amountFen} >= 0`),
		uniqueIndex('lot_sales_order_ref_key').on(t.channel, t.orderRef),
		index('lot_sales_lot_time_idx').on(t.lotId, t.soldAt),
		index('lot_sales_supplier_buyer_idx').on(t.supplierId, t.buyerKey),
		index('lot_sales_time_idx').on(t.soldAt),
		index('lot_sales_recorded_idx').on(t.recordedAt)
	]
);

/** Operator-editable policy overrides (one row per section). */
export const settings = pgTable(
	'settings',
	{
		key: text('key').notNull(),
		scope: text('scope').notNull().default('policy'),
		value: jsonb('value').notNull(),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.scope, t.key] })]
);

export type Lot = typeof lots.$inferSelect;
export type Supplier = typeof suppliers.$inferSelect;
export type Category = typeof categories.$inferSelect;
export type LotMedia = typeof lotMedia.$inferSelect;
export type LotSale = typeof lotSales.$inferSelect;
