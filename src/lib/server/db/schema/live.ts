import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	check,
	index,
	integer,
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

export const showStatus = pgEnum('show_status', ['scheduled', 'live', 'ended', 'cancelled']);
export const lockStatus = pgEnum('lock_status', ['active', 'released', 'expired']);
export const lockEventKind = pgEnum('lock_event_kind', [
	'acquire',
	'raise',
	'lower',
	'release',
	'expire',
	'extend',
	'consume',
	'return'
]);

/** A broadcast of a host team; its line-up comes from a run-of-show board. */
export const shows = pgTable(
	'shows',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		teamId: uuid('team_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		/** The board the line-up was taken from (no FK: boards live in their own module). */
		boardId: uuid('board_id'),
		title: text('title').notNull(),
		status: showStatus('status').notNull().default('scheduled'),
		scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
		startedAt: timestamp('started_at', { withTimezone: true }),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		/** Slot currently on air (highlighted in the live console). */
		currentSlotId: uuid('current_slot_id'),
		/** Host commission agreed for this show (a deal), basis points; null → each lot's own rate. */
		commissionBp: integer('commission_bp'),
		/** Packaging instructions for every fulfilment of this show (relabel_live, remove_logo, repack). */
		packaging: text('packaging')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('shows_team_idx').on(t.teamId, t.createdAt)]
);

/** One lot on the show's line-up, in on-air order. */
export const showSlots = pgTable(
	'show_slots',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'restrict' }),
		/** Price on air, integer fen (defaults to the lot's unit price). */
		livePriceFen: integer('live_price_fen').notNull(),
		/** Units the team planned to lock for this slot. */
		plannedLockQty: integer('planned_lock_qty').notNull().default(0),
		plannedAt: timestamp('planned_at', { withTimezone: true }),
		note: text('note').notNull().default(''),
		/** Packaging instructions for this slot's lot, added to the show's. */
		packaging: text('packaging')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** The board slot this came from, when created from a board. */
		boardSlotId: text('board_slot_id')
	},
	(t) => [
		uniqueIndex('show_slots_show_position_key').on(t.showId, t.position),
		index('show_slots_lot_idx').on(t.lotId),
		check('show_slots_price_positive', sql`${t.livePriceFen} > 0`)
	]
);

/**
 * Units of a lot held for a show. The lot's `locked` counter is the sum of `quantity` over
 * active locks, kept in the same transaction as every change here; `consumed` counts units
 * orders took from this lock (moved to the lot's `allocated`).
 */
export const stockLocks = pgTable(
	'stock_locks',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'restrict' }),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'restrict' }),
		quantity: integer('quantity').notNull(),
		consumed: integer('consumed').notNull().default(0),
		status: lockStatus('status').notNull().default('active'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		endedAt: timestamp('ended_at', { withTimezone: true })
	},
	(t) => [
		check('stock_locks_quantity', sql`${t.quantity} >= 0 and ${t.consumed} >= 0`),
		index('stock_locks_show_lot_idx').on(t.showId, t.lotId),
		index('stock_locks_active_expiry_idx')
			.on(t.expiresAt)
			.where(sql`status = 'active'`)
	]
);

/** Every change to a lock: who, when, how much. Append-only. */
export const lockEvents = pgTable(
	'lock_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		lockId: uuid('lock_id')
			.notNull()
			.references(() => stockLocks.id, { onDelete: 'restrict' }),
		showId: uuid('show_id').notNull(),
		lotId: uuid('lot_id').notNull(),
		kind: lockEventKind('kind').notNull(),
		/** Change of the lock's held quantity (negative for lower/release/consume). */
		delta: integer('delta').notNull(),
		quantityAfter: integer('quantity_after').notNull(),
		actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
		actorTokenId: uuid('actor_token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
		/** System changes (expiry job, show end) carry no actor. */
		system: boolean('system').notNull().default(false),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('lock_events_lock_idx').on(t.lockId),
		index('lock_events_show_idx').on(t.showId, t.at)
	]
);

/**
 * Idempotency keys of lock requests (the `Idempotency-Key` header, or the socket event's
 * `idempotencyKey`), per show: a retried request with the same key and body gets the lock the
 * first one was granted instead of a second lock. Written in the transaction that grants the
 * lock, so the primary key decides races between nodes; rows past `expires_at` are deleted by
 * the lock-expiry job.
 */
export const lockIdempotencyKeys = pgTable(
	'lock_idempotency_keys',
	{
		showId: uuid('show_id')
			.notNull()
			.references(() => shows.id, { onDelete: 'cascade' }),
		key: text('key').notNull(),
		/** SHA-256 (hex) of the request it answered (lot and quantity). */
		requestHash: text('request_hash').notNull(),
		lockId: uuid('lock_id')
			.notNull()
			.references(() => stockLocks.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [
		primaryKey({ name: 'lock_idempotency_keys_pkey', columns: [t.showId, t.key] }),
		index('lock_idempotency_keys_expiry_idx').on(t.expiresAt)
	]
);

export type Show = typeof shows.$inferSelect;
export type ShowSlot = typeof showSlots.$inferSelect;
export type StockLock = typeof stockLocks.$inferSelect;
