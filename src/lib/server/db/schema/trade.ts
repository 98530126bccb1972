import { sql } from 'drizzle-orm';
import {
	type AnyPgColumn,
	bigint,
	bigserial,
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
import { uploads } from './uploads';
import { lots } from './catalog';
import type { ShipTo } from './orders';

// The wholesale trade module (issues 18–21; docs/TRADE.md). Only src/lib/server/trade/ writes
// these tables. Money is integer fen: unit prices in integer columns, amounts that multiply
// quantities (order, line, invoice and limit amounts) in bigint columns read as JS numbers
// (safe up to 2^53 fen). States follow the pure machines in src/lib/domain/trade/; the timer
// columns (`*_by`, `*_at` deadlines) are copies of `deadlines()` so the jobs find due rows
// through partial indexes. Check constraints hold the arithmetic that is cheap to check.

const fen = (name: string) => bigint(name, { mode: 'number' });
const ts = (name: string) => timestamp(name, { withTimezone: true });

// ------------------------------------------------------------------------------- enums

export const tradeOrderState = pgEnum('trade_order_state', [
	'pending_payment',
	'paid',
	'accepted',
	'packed',
	'shipped',
	'arrived',
	'inspecting',
	'accepted_by_buyer',
	'auto_accepted',
	'released',
	'cancelled_unpaid',
	'cancelled_sla',
	'disputed',
	'resolved'
]);
export const tradePaymentMode = pgEnum('trade_payment_mode', ['escrow', 'terms']);
export const tradePieceResult = pgEnum('trade_piece_result', ['pass', 'minor', 'severe']);
export const tradeIntentKind = pgEnum('trade_intent_kind', ['order', 'sample', 'repayment']);
export const tradeIntentStatus = pgEnum('trade_intent_status', [
	'created',
	'pending',
	'confirmed',
	'failed',
	'cancelled'
]);
export const tradeRefundStatus = pgEnum('trade_refund_status', ['pending', 'succeeded', 'failed']);
export const tradeSampleState = pgEnum('trade_sample_state', [
	'pending_payment',
	'paid',
	'shipped',
	'delivered',
	'approved',
	'auto_approved',
	'rejected',
	'cancelled_unpaid',
	'refunded'
]);
export const tradeDisputeState = pgEnum('trade_dispute_state', [
	'awaiting_answer',
	'countered',
	'rejected',
	'escalated',
	'returning',
	'closed'
]);
export const tradeRemedy = pgEnum('trade_remedy', [
	'partial_refund',
	'return_and_refund',
	'exchange'
]);
export const tradeDisputeProblem = pgEnum('trade_dispute_problem', [
	'wrong_item',
	'short',
	'defect_over_allowance',
	'not_as_sample',
	'damaged'
]);
export const tradeOutcomeKind = pgEnum('trade_outcome_kind', [
	'release',
	'partial_refund',
	'return_and_refund',
	'exchange'
]);
export const tradeOutcomeBy = pgEnum('trade_outcome_by', ['agreement', 'default', 'operator']);
export const tradeEvidenceKind = pgEnum('trade_evidence_kind', ['photo', 'video', 'pdf']);
export const tradeConversationKind = pgEnum('trade_conversation_kind', [
	'order',
	'sample',
	'dispute'
]);
export const tradeParty = pgEnum('trade_party', ['buyer', 'supplier', 'operator', 'system']);
export const tradeCreditStatus = pgEnum('trade_credit_status', [
	'applied',
	'approved',
	'declined',
	'suspended'
]);

// ----------------------------------------------------------------- per-lot trade terms

export interface PriceBreakRow {
	minQuantity: number;
	unitPriceFen: number;
}

/**
 * What a supplier sets for selling a lot wholesale, beside the catalog's lot: quantity step,
 * price breaks (each checked against the grade band by domain/trade/cart.ts), carton size for
 * the inspection draw, and samples.
 */
export const tradeLotTerms = pgTable(
	'trade_lot_terms',
	{
		lotId: uuid('lot_id')
			.primaryKey()
			.references(() => lots.id, { onDelete: 'cascade' }),
		step: integer('step').notNull().default(1),
		piecesPerCarton: integer('pieces_per_carton').notNull().default(1),
		priceBreaks: jsonb('price_breaks').$type<PriceBreakRow[]>().notNull().default([]),
		samplesEnabled: boolean('samples_enabled').notNull().default(false),
		samplePriceFen: integer('sample_price_fen').notNull().default(5000),
		samplePiecesMax: integer('sample_pieces_max').notNull().default(5),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		check(
			'trade_lot_terms_numbers',
			sql`${t.step} >= 1 and ${t.piecesPerCarton} >= 1 and ${t.samplePriceFen} >= 1 and ${t.samplePiecesMax} between 1 and 100`
		)
	]
);

// -------------------------------------------------------------------------------- carts

/** One cart per buyer organisation (its staff share it). */
export const tradeCarts = pgTable('trade_carts', {
	buyerOrgId: uuid('buyer_org_id')
		.primaryKey()
		.references(() => orgs.id, { onDelete: 'cascade' }),
	updatedAt: ts('updated_at').notNull().defaultNow()
});

export const tradeCartLines = pgTable(
	'trade_cart_lines',
	{
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => tradeCarts.buyerOrgId, { onDelete: 'cascade' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		quantity: integer('quantity').notNull(),
		packaging: text('packaging')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		addedAt: ts('added_at').notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.buyerOrgId, t.lotId] }),
		check('trade_cart_lines_quantity', sql`${t.quantity} > 0`)
	]
);

// ------------------------------------------------------------------------------ orders

/**
 * A checkout: the Idempotency-Key a buyer sent and the orders it made, so a repeated key returns
 * the same orders (and a key reused with another cart is refused by comparing request_hash).
 */
export const tradeCheckouts = pgTable(
	'trade_checkouts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		idempotencyKey: text('idempotency_key').notNull(),
		requestHash: text('request_hash').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('trade_checkouts_key').on(t.buyerOrgId, t.idempotencyKey)]
);

/** One supplier's shipment from one warehouse to the buyer: the unit of escrow and state. */
export const tradeOrders = pgTable(
	'trade_orders',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Short number for packing lists and messages. */
		number: bigserial('number', { mode: 'number' }).notNull(),
		checkoutId: uuid('checkout_id')
			.notNull()
			.references(() => tradeCheckouts.id, { onDelete: 'restrict' }),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		warehouseProvince: text('warehouse_province').notNull(),
		warehouseCity: text('warehouse_city').notNull(),
		shipTo: jsonb('ship_to').$type<ShipTo>().notNull(),
		state: tradeOrderState('state').notNull().default('pending_payment'),
		paymentMode: tradePaymentMode('payment_mode').notNull().default('escrow'),
		goodsFen: fen('goods_fen').notNull(),
		packagingFen: fen('packaging_fen').notNull().default(0),
		/** What the buyer pays for freight (partner rate) and what the market would have charged. */
		freightFen: fen('freight_fen').notNull(),
		freightMarketFen: fen('freight_market_fen').notNull(),
		carrierQuoted: text('carrier_quoted').notNull().default(''),
		/** Sample fee credited (domain/trade/samples.ts), funded from the supplier's payable. */
		creditFen: fen('credit_fen').notNull().default(0),
		totalFen: fen('total_fen').notNull(),
		/** Wholesale fee in force at checkout, basis points of goods released. */
		feeBp: integer('fee_bp').notNull(),
		/** The sealed sample this order ships against ("按标记样品 #… 质量发货"). */
		sealedSampleId: uuid('sealed_sample_id').references((): AnyPgColumn => tradeSamples.id, {
			onDelete: 'restrict'
		}),
		createdAt: ts('created_at').notNull().defaultNow(),
		paidAt: ts('paid_at'),
		acceptedAt: ts('accepted_at'),
		packedAt: ts('packed_at'),
		shippedAt: ts('shipped_at'),
		arrivedAt: ts('arrived_at'),
		acceptedByBuyerAt: ts('accepted_by_buyer_at'),
		releasedAt: ts('released_at'),
		closedAt: ts('closed_at'),
		/** The running timer's deadline (order-state.ts `deadlines` of the current state). */
		dueAt: ts('due_at'),
		/** Bumped on every change: realtime clients drop stale events, updates compare it. */
		version: integer('version').notNull().default(0),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_orders_number_key').on(t.number),
		index('trade_orders_buyer_idx').on(t.buyerOrgId, t.createdAt),
		index('trade_orders_supplier_idx').on(t.supplierId, t.state, t.createdAt),
		index('trade_orders_checkout_idx').on(t.checkoutId),
		index('trade_orders_due_idx')
			.on(t.dueAt)
			.where(sql`${t.dueAt} is not null`),
		check(
			'trade_orders_amounts',
			sql`${t.goodsFen} >= 0 and ${t.packagingFen} >= 0 and ${t.freightFen} >= 0 and ${t.freightMarketFen} >= 0 and ${t.creditFen} >= 0 and ${t.creditFen} <= ${t.goodsFen} and ${t.totalFen} = ${t.goodsFen} + ${t.packagingFen} + ${t.freightFen} - ${t.creditFen}`
		),
		check('trade_orders_fee', sql`${t.feeBp} between 0 and 10000`),
		check('trade_orders_terms_no_credit', sql`${t.paymentMode} = 'escrow' or ${t.creditFen} = 0`)
	]
);

export const tradeOrderLines = pgTable(
	'trade_order_lines',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'restrict' }),
		quantity: integer('quantity').notNull(),
		unitPriceFen: integer('unit_price_fen').notNull(),
		/** The price break that set the price (its minimum quantity), null for the lot's price. */
		priceBreakMin: integer('price_break_min'),
		goodsFen: fen('goods_fen').notNull(),
		packaging: text('packaging')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		packagingFen: fen('packaging_fen').notNull().default(0),
		creditFen: fen('credit_fen').notNull().default(0),
		lineFen: fen('line_fen').notNull(),
		/** Pieces per carton as packed (the inspection draw numbers pieces by it). */
		piecesPerCarton: integer('pieces_per_carton').notNull().default(1)
	},
	(t) => [
		index('trade_order_lines_order_idx').on(t.orderId),
		index('trade_order_lines_lot_idx').on(t.lotId),
		uniqueIndex('trade_order_lines_order_lot_key').on(t.orderId, t.lotId),
		check(
			'trade_order_lines_amounts',
			sql`${t.quantity} > 0 and ${t.unitPriceFen} > 0 and ${t.piecesPerCarton} >= 1 and ${t.goodsFen} = ${t.unitPriceFen}::bigint * ${t.quantity} and ${t.packagingFen} >= 0 and ${t.lineFen} = ${t.goodsFen} + ${t.packagingFen} and ${t.creditFen} >= 0 and ${t.creditFen} <= ${t.goodsFen}`
		)
	]
);

/** Every state change of a trade order: who, when, from what to what. Append-only. */
export const tradeOrderEvents = pgTable(
	'trade_order_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		fromState: tradeOrderState('from_state'),
		toState: tradeOrderState('to_state').notNull(),
		action: text('action').notNull(),
		actor: tradeParty('actor').notNull(),
		actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
		note: text('note'),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [index('trade_order_events_order_idx').on(t.orderId, t.at)]
);

export const tradeParcels = pgTable(
	'trade_parcels',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		carrier: text('carrier').notNull(),
		trackingNo: text('tracking_no').notNull(),
		cartons: integer('cartons').notNull().default(1),
		shippedAt: ts('shipped_at').notNull().defaultNow(),
		/** From the carrier's delivered event (an API) or the buyer's confirmation. */
		deliveredAt: ts('delivered_at'),
		/** A replacement shipment (severe-defect rule or exchange) rather than the original. */
		replacement: boolean('replacement').notNull().default(false)
	},
	(t) => [
		index('trade_parcels_order_idx').on(t.orderId),
		uniqueIndex('trade_parcels_tracking_key').on(t.carrier, t.trackingNo),
		check('trade_parcels_cartons', sql`${t.cartons} >= 1`)
	]
);

// -------------------------------------------------------------------------- inspection

/** The buyer's sampling inspection of a delivered order (one per order). */
export const tradeInspections = pgTable(
	'trade_inspections',
	{
		orderId: uuid('order_id')
			.primaryKey()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		/** Sampling share in force when the draw was made (the draw is recomputed from the id). */
		samplingBp: integer('sampling_bp').notNull(),
		startedAt: ts('started_at').notNull().defaultNow(),
		submittedAt: ts('submitted_at'),
		severePieces: integer('severe_pieces').notNull().default(0),
		/** Severe-defect rule: the replacement is due by then, freight charged to the supplier. */
		replacementDueAt: ts('replacement_due_at'),
		/** Storage key of the inspection video (resumable upload through the storage interface). */
		videoKey: text('video_key'),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		check(
			'trade_inspections_numbers',
			sql`${t.samplingBp} between 1 and 10000 and ${t.severePieces} >= 0`
		)
	]
);

/** One drawn piece's result, with its photos. */
export const tradeInspectionItems = pgTable(
	'trade_inspection_items',
	{
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeInspections.orderId, { onDelete: 'cascade' }),
		lineId: uuid('line_id')
			.notNull()
			.references(() => tradeOrderLines.id, { onDelete: 'restrict' }),
		carton: integer('carton').notNull(),
		position: integer('position').notNull(),
		result: tradePieceResult('result').notNull(),
		photos: text('photos')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		note: text('note').notNull().default(''),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.orderId, t.lineId, t.carton, t.position] }),
		check('trade_inspection_items_place', sql`${t.carton} >= 1 and ${t.position} >= 1`)
	]
);

// ---------------------------------------------------------------------------- payments

/**
 * A payment the platform expects through a PaymentProvider (server/payments/provider.ts): an
 * order's or a sample's escrow payment, or a credit-terms repayment. Confirmation is recorded
 * once (the provider's reference is unique per provider).
 */
export const tradePaymentIntents = pgTable(
	'trade_payment_intents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: tradeIntentKind('kind').notNull(),
		/** The trade order, sample request or credit account (buyer org) it pays for. */
		refId: uuid('ref_id').notNull(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		provider: text('provider').notNull(),
		amountFen: fen('amount_fen').notNull(),
		status: tradeIntentStatus('status').notNull().default('created'),
		providerRef: text('provider_ref'),
		/** What the buyer needs to pay (bank account and memo for a transfer, a test token). */
		instructions: jsonb('instructions').$type<Record<string, string>>().notNull().default({}),
		idempotencyKey: text('idempotency_key').notNull(),
		createdAt: ts('created_at').notNull().defaultNow(),
		expiresAt: ts('expires_at'),
		confirmedAt: ts('confirmed_at'),
		/** The operator who confirmed a bank transfer. */
		confirmedBy: uuid('confirmed_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('trade_payment_intents_key').on(t.idempotencyKey),
		uniqueIndex('trade_payment_intents_provider_ref')
			.on(t.provider, t.providerRef)
			.where(sql`${t.providerRef} is not null`),
		index('trade_payment_intents_ref_idx').on(t.kind, t.refId),
		check('trade_payment_intents_amount', sql`${t.amountFen} > 0`),
		check(
			'trade_payment_intents_confirmed',
			sql`(${t.status} = 'confirmed') = (${t.confirmedAt} is not null)`
		)
	]
);

export const tradeRefunds = pgTable(
	'trade_refunds',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		intentId: uuid('intent_id')
			.notNull()
			.references(() => tradePaymentIntents.id, { onDelete: 'restrict' }),
		amountFen: fen('amount_fen').notNull(),
		reason: text('reason').notNull(),
		status: tradeRefundStatus('status').notNull().default('pending'),
		providerRef: text('provider_ref'),
		idempotencyKey: text('idempotency_key').notNull(),
		createdAt: ts('created_at').notNull().defaultNow(),
		completedAt: ts('completed_at')
	},
	(t) => [
		uniqueIndex('trade_refunds_key').on(t.idempotencyKey),
		index('trade_refunds_intent_idx').on(t.intentId),
		check('trade_refunds_amount', sql`${t.amountFen} > 0`)
	]
);

// ----------------------------------------------------------------------------- samples

export const tradeSamples = pgTable(
	'trade_samples',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		number: bigserial('number', { mode: 'number' }).notNull(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'restrict' }),
		pieces: integer('pieces').notNull(),
		priceFen: integer('price_fen').notNull(),
		feeFen: fen('fee_fen').notNull(),
		state: tradeSampleState('state').notNull().default('pending_payment'),
		shipTo: jsonb('ship_to').$type<ShipTo>().notNull(),
		carrier: text('carrier'),
		trackingNo: text('tracking_no'),
		rejectReason: text('reject_reason'),
		reviewPhotos: text('review_photos')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		createdAt: ts('created_at').notNull().defaultNow(),
		paidAt: ts('paid_at'),
		shippedAt: ts('shipped_at'),
		deliveredAt: ts('delivered_at'),
		/** Approval or lapsed review: the reference is sealed and the credit's validity starts. */
		approvedAt: ts('approved_at'),
		reviewedAt: ts('reviewed_at'),
		/** The bulk order the fee was credited to (at most once: unique). */
		creditUsedBy: uuid('credit_used_by').references(() => tradeOrders.id, {
			onDelete: 'restrict'
		}),
		dueAt: ts('due_at'),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_samples_number_key').on(t.number),
		index('trade_samples_buyer_idx').on(t.buyerOrgId, t.lotId, t.createdAt),
		index('trade_samples_supplier_idx').on(t.supplierId, t.state),
		// One open request per buyer and lot.
		uniqueIndex('trade_samples_open_key')
			.on(t.buyerOrgId, t.lotId)
			.where(sql`${t.state} in ('pending_payment', 'paid', 'shipped', 'delivered')`),
		uniqueIndex('trade_samples_credit_key')
			.on(t.creditUsedBy)
			.where(sql`${t.creditUsedBy} is not null`),
		index('trade_samples_due_idx')
			.on(t.dueAt)
			.where(sql`${t.dueAt} is not null`),
		check(
			'trade_samples_amounts',
			sql`${t.pieces} between 1 and 100 and ${t.priceFen} > 0 and ${t.feeFen} = ${t.priceFen}::bigint * ${t.pieces}`
		)
	]
);

/** Platform tags (平台专属标签), one per sample piece; the number is formatted with a check digit. */
export const tradeSampleTags = pgTable(
	'trade_sample_tags',
	{
		seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		sampleId: uuid('sample_id')
			.notNull()
			.references(() => tradeSamples.id, { onDelete: 'restrict' }),
		piece: integer('piece').notNull(),
		photos: text('photos')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		issuedAt: ts('issued_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_sample_tags_piece_key').on(t.sampleId, t.piece),
		check('trade_sample_tags_piece', sql`${t.piece} >= 1`)
	]
);

/** The sealed reference (封样): frozen at approval; never updated. */
export const tradeSealedReferences = pgTable('trade_sealed_references', {
	sampleId: uuid('sample_id')
		.primaryKey()
		.references(() => tradeSamples.id, { onDelete: 'restrict' }),
	lotId: uuid('lot_id')
		.notNull()
		.references(() => lots.id, { onDelete: 'restrict' }),
	/** domain/trade/samples.ts SealedReference: tags, photos, grade, spec, title as sealed. */
	snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
	sealedAt: ts('sealed_at').notNull()
});

// ----------------------------------------------------------------------------- disputes

export const tradeDisputes = pgTable(
	'trade_disputes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** One dispute per order: an order ends in one outcome. */
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		state: tradeDisputeState('state').notNull().default('awaiting_answer'),
		remedy: tradeRemedy('remedy').notNull(),
		frozenFen: fen('frozen_fen').notNull(),
		askedRefundFen: fen('asked_refund_fen').notNull(),
		counterFen: fen('counter_fen'),
		/** The buyer's account of the problem, as filed (optional). */
		description: text('description'),
		filedBy: uuid('filed_by').references(() => users.id, { onDelete: 'set null' }),
		filedAt: ts('filed_at').notNull().defaultNow(),
		/** When the current state began; its deadline is `due_at`. */
		since: ts('since').notNull().defaultNow(),
		dueAt: ts('due_at'),
		escalatedBy: tradeParty('escalated_by'),
		returnCarrier: text('return_carrier'),
		returnTrackingNo: text('return_tracking_no'),
		returnShippedAt: ts('return_shipped_at'),
		outcomeKind: tradeOutcomeKind('outcome_kind'),
		outcomeRefundFen: fen('outcome_refund_fen'),
		outcomeReleaseFen: fen('outcome_release_fen'),
		outcomeBy: tradeOutcomeBy('outcome_by'),
		/** Pending outcome of a return (set at the ruling, applied when the goods are back). */
		pending: jsonb('pending').$type<Record<string, unknown>>(),
		rulingReason: text('ruling_reason'),
		ruledBy: uuid('ruled_by').references(() => users.id, { onDelete: 'set null' }),
		replacementDueAt: ts('replacement_due_at'),
		closedAt: ts('closed_at'),
		version: integer('version').notNull().default(0)
	},
	(t) => [
		uniqueIndex('trade_disputes_order_key').on(t.orderId),
		index('trade_disputes_state_idx').on(t.state, t.dueAt),
		check(
			'trade_disputes_amounts',
			sql`${t.frozenFen} > 0 and ${t.askedRefundFen} >= 0 and ${t.askedRefundFen} <= ${t.frozenFen} and (${t.counterFen} is null or (${t.counterFen} > 0 and ${t.counterFen} <= ${t.frozenFen}))`
		),
		check(
			'trade_disputes_outcome',
			sql`(${t.state} = 'closed') = (${t.outcomeKind} is not null) and (${t.outcomeKind} is null or (${t.outcomeRefundFen} >= 0 and ${t.outcomeReleaseFen} >= 0 and ${t.outcomeRefundFen} + ${t.outcomeReleaseFen} = ${t.frozenFen} and ${t.outcomeBy} is not null))`
		)
	]
);

export const tradeDisputeLines = pgTable(
	'trade_dispute_lines',
	{
		disputeId: uuid('dispute_id')
			.notNull()
			.references(() => tradeDisputes.id, { onDelete: 'restrict' }),
		lineId: uuid('line_id')
			.notNull()
			.references(() => tradeOrderLines.id, { onDelete: 'restrict' }),
		quantity: integer('quantity').notNull(),
		problem: tradeDisputeProblem('problem').notNull(),
		lossBp: integer('loss_bp').notNull(),
		frozenFen: fen('frozen_fen').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.disputeId, t.lineId] }),
		check(
			'trade_dispute_lines_numbers',
			sql`${t.quantity} > 0 and ${t.lossBp} between 0 and 10000 and ${t.frozenFen} >= 0`
		)
	]
);

export const tradeDisputeEvidence = pgTable(
	'trade_dispute_evidence',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		disputeId: uuid('dispute_id')
			.notNull()
			.references(() => tradeDisputes.id, { onDelete: 'restrict' }),
		/** The finished resumable upload (purpose dispute_evidence) the file came from: once. */
		uploadId: uuid('upload_id')
			.notNull()
			.references(() => uploads.id, { onDelete: 'restrict' }),
		kind: tradeEvidenceKind('kind').notNull(),
		/** The file's name on the adder's device (shown; never a path). */
		name: text('name').notNull(),
		storageKey: text('storage_key').notNull(),
		bytes: bigint('bytes', { mode: 'number' }).notNull(),
		contentType: text('content_type').notNull(),
		party: tradeParty('party').notNull(),
		/** The adding organisation (the buyer's or the supplier's) and person. */
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [
		index('trade_dispute_evidence_dispute_idx').on(t.disputeId, t.at),
		uniqueIndex('trade_dispute_evidence_upload_key').on(t.uploadId),
		check('trade_dispute_evidence_bytes', sql`${t.bytes} > 0`)
	]
);

// ------------------------------------------------------------------------------ messages

/** A conversation per trade order, sample request or dispute, between buyer and supplier. */
export const tradeConversations = pgTable(
	'trade_conversations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: tradeConversationKind('kind').notNull(),
		subjectId: uuid('subject_id').notNull(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		supplierId: uuid('supplier_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		/** Messages so far (the last message's seq) and its hash: the head of the chain. */
		lastSeq: integer('last_seq').notNull().default(0),
		headHash: text('head_hash').notNull().default(''),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_conversations_subject_key').on(t.kind, t.subjectId),
		index('trade_conversations_buyer_idx').on(t.buyerOrgId),
		index('trade_conversations_supplier_idx').on(t.supplierId),
		check('trade_conversations_seq', sql`${t.lastSeq} >= 0`)
	]
);

/**
 * Append-only messages. `hash` = SHA-256 hex of `prev_hash` and the message's canonical JSON
 * (conversation, seq, sender, party, body, attachments, at); `prev_hash` is the previous
 * message's hash ('' for the first), so an exported record shows nothing was removed.
 */
export const tradeMessages = pgTable(
	'trade_messages',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		conversationId: uuid('conversation_id')
			.notNull()
			.references(() => tradeConversations.id, { onDelete: 'restrict' }),
		seq: integer('seq').notNull(),
		party: tradeParty('party').notNull(),
		senderUserId: uuid('sender_user_id').references(() => users.id, { onDelete: 'set null' }),
		body: text('body').notNull().default(''),
		/** Storage keys with kind, name and size, through the storage interface. */
		attachments: jsonb('attachments')
			.$type<{ key: string; kind: 'photo' | 'video' | 'file'; name: string; bytes: number }[]>()
			.notNull()
			.default([]),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull(),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_messages_seq_key').on(t.conversationId, t.seq),
		check('trade_messages_seq', sql`${t.seq} >= 1`),
		check('trade_messages_hash', sql`length(${t.hash}) = 64`)
	]
);

/** How far each user has read a conversation (unread counts in the nav). */
export const tradeMessageReads = pgTable(
	'trade_message_reads',
	{
		conversationId: uuid('conversation_id')
			.notNull()
			.references(() => tradeConversations.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		readSeq: integer('read_seq').notNull().default(0),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.conversationId, t.userId] })]
);

// ------------------------------------------------------------------------------- credit

/** A buyer organisation's credit terms (账期): application, decision, limit and term. */
export const tradeCreditAccounts = pgTable(
	'trade_credit_accounts',
	{
		buyerOrgId: uuid('buyer_org_id')
			.primaryKey()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		companyName: text('company_name').notNull(),
		/** 统一社会信用代码, validated by its check character (domain/trade/credit.ts). */
		uscc: text('uscc').notNull(),
		tradeReferences: jsonb('trade_references')
			.$type<{ name: string; contact: string }[]>()
			.notNull()
			.default([]),
		status: tradeCreditStatus('status').notNull().default('applied'),
		limitFen: fen('limit_fen').notNull().default(0),
		termDays: integer('term_days'),
		declineReason: text('decline_reason'),
		decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
		decidedAt: ts('decided_at'),
		/** Orders on terms not yet invoiced (exposure in flight), kept with the order writes. */
		inFlightFen: fen('in_flight_fen').notNull().default(0),
		version: integer('version').notNull().default(0),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('trade_credit_accounts_uscc_key').on(t.uscc),
		check('trade_credit_accounts_uscc', sql`${t.uscc} ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'`),
		check(
			'trade_credit_accounts_numbers',
			sql`${t.limitFen} >= 0 and ${t.inFlightFen} >= 0 and (${t.termDays} is null or ${t.termDays} > 0)`
		),
		check(
			'trade_credit_accounts_approved',
			sql`${t.status} <> 'approved' or (${t.termDays} is not null and ${t.limitFen} > 0)`
		)
	]
);

/** Every change of a credit account's status, limit or term, with who and why. Append-only. */
export const tradeCreditChanges = pgTable(
	'trade_credit_changes',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => tradeCreditAccounts.buyerOrgId, { onDelete: 'restrict' }),
		status: tradeCreditStatus('status').notNull(),
		limitFen: fen('limit_fen').notNull(),
		termDays: integer('term_days'),
		reason: text('reason').notNull().default(''),
		changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [index('trade_credit_changes_buyer_idx').on(t.buyerOrgId, t.at)]
);

/** What a buyer owes the platform for an order accepted on terms. */
export const tradeInvoices = pgTable(
	'trade_invoices',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		number: bigserial('number', { mode: 'number' }).notNull(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => tradeCreditAccounts.buyerOrgId, { onDelete: 'restrict' }),
		orderId: uuid('order_id')
			.notNull()
			.references(() => tradeOrders.id, { onDelete: 'restrict' }),
		amountFen: fen('amount_fen').notNull(),
		paidFen: fen('paid_fen').notNull().default(0),
		writtenOffFen: fen('written_off_fen').notNull().default(0),
		issuedAt: ts('issued_at').notNull(),
		dueAt: ts('due_at').notNull(),
		remindedBeforeAt: ts('reminded_before_at'),
		remindedOverdueAt: ts('reminded_overdue_at'),
		closedAt: ts('closed_at')
	},
	(t) => [
		uniqueIndex('trade_invoices_number_key').on(t.number),
		uniqueIndex('trade_invoices_order_key').on(t.orderId),
		index('trade_invoices_open_idx')
			.on(t.buyerOrgId, t.dueAt)
			.where(sql`${t.closedAt} is null`),
		check(
			'trade_invoices_amounts',
			sql`${t.amountFen} > 0 and ${t.paidFen} >= 0 and ${t.writtenOffFen} >= 0 and ${t.paidFen} + ${t.writtenOffFen} <= ${t.amountFen}`
		),
		check('trade_invoices_due', sql`${t.dueAt} > ${t.issuedAt}`),
		check(
			'trade_invoices_closed',
			sql`(${t.closedAt} is not null) = (${t.paidFen} + ${t.writtenOffFen} = ${t.amountFen})`
		)
	]
);

export const tradeRepayments = pgTable(
	'trade_repayments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		buyerOrgId: uuid('buyer_org_id')
			.notNull()
			.references(() => tradeCreditAccounts.buyerOrgId, { onDelete: 'restrict' }),
		amountFen: fen('amount_fen').notNull(),
		/** Bank transfer reference an operator recorded, or the provider's. */
		reference: text('reference').notNull(),
		intentId: uuid('intent_id').references(() => tradePaymentIntents.id, {
			onDelete: 'restrict'
		}),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		at: ts('at').notNull().defaultNow()
	},
	(t) => [
		index('trade_repayments_buyer_idx').on(t.buyerOrgId, t.at),
		uniqueIndex('trade_repayments_reference_key').on(t.buyerOrgId, t.reference),
		check('trade_repayments_amount', sql`${t.amountFen} > 0`)
	]
);

/** How a repayment was applied, oldest invoice first (domain/trade/credit.ts). */
export const tradeRepaymentAllocations = pgTable(
	'trade_repayment_allocations',
	{
		repaymentId: uuid('repayment_id')
			.notNull()
			.references(() => tradeRepayments.id, { onDelete: 'restrict' }),
		invoiceId: uuid('invoice_id')
			.notNull()
			.references(() => tradeInvoices.id, { onDelete: 'restrict' }),
		amountFen: fen('amount_fen').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.repaymentId, t.invoiceId] }),
		check('trade_repayment_allocations_amount', sql`${t.amountFen} > 0`)
	]
);

export type TradeOrder = typeof tradeOrders.$inferSelect;
export type TradeOrderLine = typeof tradeOrderLines.$inferSelect;
export type TradeSample = typeof tradeSamples.$inferSelect;
export type TradeDispute = typeof tradeDisputes.$inferSelect;
export type TradeInvoice = typeof tradeInvoices.$inferSelect;
export type TradeCreditAccount = typeof tradeCreditAccounts.$inferSelect;
