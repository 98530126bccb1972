import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
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
import { apiTokens, users } from './auth';
import { lots } from './catalog';
import { shows } from './live';

export const orderSource = pgEnum('order_source', ['webhook', 'console', 'import']);
export const fulfilmentStatus = pgEnum('fulfilment_status', [
	'pending',
	'accepted',
	'packed',
	'shipped',
	'delivered',
	'returned',
	'cancelled',
	'out_of_stock',
	'address_problem'
]);
export const fulfilmentKind = pgEnum('fulfilment_kind', ['order', 'replacement']);

export interface ShipTo {
	name: string;
	phone: string;
	province: string;
	city: string;
	district: string;
	address: string;
}

/**
 * A consumer order from a broadcast. `externalId` is the live platform's order number: a repeat
 * of the same (team, externalId) is the same order, never a second one.
 */
export const orders = pgTable(
	'orders',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		teamId: uuid('team_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'restrict' }),
		externalId: text('external_id').notNull(),
		source: orderSource('source').notNull(),
		shipTo: jsonb('ship_to').$type<ShipTo>().notNull(),
		totalFen: integer('total_fen').notNull(),
		paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
		createdByUser: uuid('created_by_user').references(() => users.id, { onDelete: 'set null' }),
		createdByToken: uuid('created_by_token').references(() => apiTokens.id, {
			onDelete: 'set null'
		}),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		/**
		 * The id of the transaction that placed the order (its xid8, as a number). The catalog's
		 * stats job reads the sale facts of orders whose transactions have all finished, range by
		 * range (see `dropshipSaleFacts`); 0 marks orders from before that, whose facts were
		 * written when they were placed.
		 */
		xact: bigint('xact', { mode: 'number' })
			.notNull()
			.default(sql`(pg_current_xact_id()::text::bigint)`)
	},
	(t) => [
		uniqueIndex('orders_team_external_key').on(t.teamId, t.externalId),
		index('orders_show_idx').on(t.showId, t.createdAt),
		index('orders_xact_idx').on(t.xact),
		check('orders_total_nonneg', sql`${t.totalFen} >= 0`)
	]
);

/**
 * What one supplier ships from one warehouse for an order (or a replacement for a defective
 * delivery). Its status moves only along the state machine in src/lib/domain/orders.ts; every
 * move is a fulfilment_events row written in the same transaction.
 */
export const fulfilments = pgTable(
	'fulfilments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Short human number shown on packing lists and labels. */
		number: bigserial('number', { mode: 'number' }).notNull(),
		orderId: uuid('order_id')
			.notNull()
			.references(() => orders.id, { onDelete: 'restrict' }),
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'restrict' }),
		teamId: uuid('team_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		warehouseProvince: text('warehouse_province').notNull().default(''),
		warehouseCity: text('warehouse_city').notNull().default(''),
		kind: fulfilmentKind('kind').notNull().default('order'),
		replacesId: uuid('replaces_id'),
		status: fulfilmentStatus('status').notNull().default('pending'),
		/** Packaging instructions: relabel_live, remove_logo, repack. */
		packaging: text('packaging')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		shipTo: jsonb('ship_to').$type<ShipTo>().notNull(),
		carrier: text('carrier'),
		trackingNo: text('tracking_no'),
		/** Replacement shipments are due by this time (24 h by policy). */
		dueAt: timestamp('due_at', { withTimezone: true }),
		/** Freight charged to the supplier (replacements), integer fen. */
		freightChargeFen: integer('freight_charge_fen').notNull().default(0),
		exceptionNote: text('exception_note'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		acceptedAt: timestamp('accepted_at', { withTimezone: true }),
		packedAt: timestamp('packed_at', { withTimezone: true }),
		shippedAt: timestamp('shipped_at', { withTimezone: true }),
		deliveredAt: timestamp('delivered_at', { withTimezone: true }),
		closedAt: timestamp('closed_at', { withTimezone: true }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('fulfilments_number_key').on(t.number),
		index('fulfilments_order_idx').on(t.orderId),
		index('fulfilments_supplier_idx').on(t.supplierId, t.status, t.createdAt),
		index('fulfilments_show_idx').on(t.showId, t.createdAt),
		check('fulfilments_freight_nonneg', sql`${t.freightChargeFen} >= 0`)
	]
);

export const orderLines = pgTable(
	'order_lines',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orderId: uuid('order_id')
			.notNull()
			.references(() => orders.id, { onDelete: 'restrict' }),
		fulfilmentId: uuid('fulfilment_id')
			.notNull()
			.references(() => fulfilments.id, { onDelete: 'restrict' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'restrict' }),
		supplierId: uuid('supplier_id').notNull(),
		quantity: integer('quantity').notNull(),
		unitPriceFen: integer('unit_price_fen').notNull(),
		/** Host commission for this line (per show deal, else the lot's default), basis points. */
		commissionBp: integer('commission_bp').notNull(),
		/** Units of this line taken from free stock rather than the show's locks. */
		fromFree: integer('from_free').notNull().default(0)
	},
	(t) => [
		index('order_lines_order_idx').on(t.orderId),
		index('order_lines_fulfilment_idx').on(t.fulfilmentId),
		check(
			'order_lines_amounts',
			sql`${t.quantity} > 0 and ${t.unitPriceFen} > 0 and ${t.fromFree} >= 0 and ${t.fromFree} <= ${t.quantity}`
		)
	]
);

/** Every status change of a fulfilment: who, when, from what to what. Append-only. */
/**
 * Units of each lot in each show's live orders (not cancelled, out of stock or returned; no
 * replacements): the live console's "sold in this show". A counter kept by the orders service in
 * the same transaction as the lines and status changes it counts, so reading it does not sum a
 * flash sale's growing order lines every time a counter goes out.
 */
export const showLotSales = pgTable(
	'show_lot_sales',
	{
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'cascade' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		sold: integer('sold').notNull().default(0)
	},
	(t) => [
		primaryKey({ columns: [t.showId, t.lotId] }),
		check('show_lot_sales_sold', sql`${t.sold} >= 0`)
	]
);

export const fulfilmentEvents = pgTable(
	'fulfilment_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		fulfilmentId: uuid('fulfilment_id')
			.notNull()
			.references(() => fulfilments.id, { onDelete: 'restrict' }),
		fromStatus: fulfilmentStatus('from_status'),
		toStatus: fulfilmentStatus('to_status').notNull(),
		actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
		actorTokenId: uuid('actor_token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
		note: text('note'),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('fulfilment_events_fulfilment_idx').on(t.fulfilmentId, t.at)]
);

/**
 * Partner freight rates per route. A quote for n pieces takes the tier with the largest
 * min_pieces ≤ n: base + per_piece × n, for the partner and for the market.
 */
export const freightRates = pgTable(
	'freight_rates',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		originProvince: text('origin_province').notNull(),
		destProvince: text('dest_province').notNull(),
		minPieces: integer('min_pieces').notNull().default(1),
		partnerBaseFen: integer('partner_base_fen').notNull(),
		partnerPerPieceFen: integer('partner_per_piece_fen').notNull(),
		marketBaseFen: integer('market_base_fen').notNull(),
		marketPerPieceFen: integer('market_per_piece_fen').notNull(),
		carrier: text('carrier').notNull().default('')
	},
	(t) => [
		uniqueIndex('freight_rates_route_tier_key').on(t.originProvince, t.destProvince, t.minPieces),
		check(
			'freight_rates_nonneg',
			sql`${t.minPieces} >= 1 and ${t.partnerBaseFen} >= 0 and ${t.partnerPerPieceFen} >= 0 and ${t.marketBaseFen} >= 0 and ${t.marketPerPieceFen} >= 0`
		)
	]
);

/** A consumer's claim of severely defective pieces in a delivered fulfilment. */
export const defectClaims = pgTable(
	'defect_claims',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		fulfilmentId: uuid('fulfilment_id')
			.notNull()
			.references(() => fulfilments.id, { onDelete: 'restrict' }),
		severePieces: integer('severe_pieces').notNull(),
		description: text('description').notNull().default(''),
		/** Stored media keys of the consumer's photos. */
		photos: text('photos')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		replacementId: uuid('replacement_id').references(() => fulfilments.id, {
			onDelete: 'restrict'
		}),
		freightChargeFen: integer('freight_charge_fen').notNull().default(0),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('defect_claims_fulfilment_idx').on(t.fulfilmentId),
		check('defect_claims_pieces', sql`${t.severePieces} >= 1`)
	]
);

export type Order = typeof orders.$inferSelect;
export type OrderLine = typeof orderLines.$inferSelect;
export type Fulfilment = typeof fulfilments.$inferSelect;
export type FulfilmentEvent = typeof fulfilmentEvents.$inferSelect;
export type FreightRate = typeof freightRates.$inferSelect;
