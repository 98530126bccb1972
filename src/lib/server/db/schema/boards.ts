import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	customType,
	index,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { orgs } from './orgs';
import { users } from './auth';

/** bytea as Uint8Array on both drivers (postgres.js gives Buffer, PGlite Uint8Array). */
const bytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	toDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
	fromDriver: (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
});

export const boardStatus = pgEnum('board_status', ['active', 'archived']);

/**
 * A run-of-show board owned by a host team. Its content (slots, scripts, checklists) is a Yjs
 * document stored in board_snapshots + board_updates; this row holds what lists and access
 * checks need.
 */
export const boards = pgTable(
	'boards',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		status: boardStatus('status').notNull().default('active'),
		isTemplate: boolean('is_template').notNull().default(false),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		/** Last time content was saved (any node); lists sort by it. */
		contentSavedAt: timestamp('content_saved_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('boards_org_idx').on(t.orgId, t.status, t.isTemplate)]
);

/** People outside the owning team who may read a board (read-only viewers). */
export const boardViewers = pgTable(
	'board_viewers',
	{
		boardId: uuid('board_id')
			.notNull()
			.references(() => boards.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.boardId, t.userId] }),
		index('board_viewers_user_idx').on(t.userId)
	]
);

/**
 * The compacted state of a board's Yjs document (one merged update). Exactly one row per board,
 * created with the board; compaction locks it (`for update`) so two nodes never compact at once.
 */
export const boardSnapshots = pgTable('board_snapshots', {
	boardId: uuid('board_id')
		.primaryKey()
		.references(() => boards.id, { onDelete: 'cascade' }),
	state: bytes('state').notNull(),
	/** Y.encodeStateVector of `state`, so a load need not decode the state to answer sync. */
	stateVector: bytes('state_vector').notNull(),
	/** Update rows folded in so far (for figures only). */
	compactions: integer('compactions').notNull().default(0),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * Yjs updates appended by saves since the last compaction. The document is snapshot + every
 * row here (applying one twice is harmless). Compaction merges the rows it read into the
 * snapshot and deletes exactly those rows, so a row committed meanwhile is never lost.
 */
export const boardUpdates = pgTable(
	'board_updates',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		boardId: uuid('board_id')
			.notNull()
			.references(() => boards.id, { onDelete: 'cascade' }),
		update: bytes('update').notNull(),
		/** The collab node that saved it (relay between processes skips its own). */
		nodeId: text('node_id').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true })
			.notNull()
			.default(sql`now()`)
	},
	(t) => [index('board_updates_board_idx').on(t.boardId, t.id)]
);

export type Board = typeof boards.$inferSelect;
