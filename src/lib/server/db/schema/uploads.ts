import { sql } from 'drizzle-orm';
import {
	bigint,
	check,
	index,
	jsonb,
	pgEnum,
	pgTable,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { orgs } from './orgs';
import { apiTokens, users } from './auth';

// Resumable uploads (src/lib/server/uploads/, its only writer): a large file (an inspection
// video) sent in chunks that survive a dropped connection or a reload. Each accepted chunk is
// stored through the media storage as a part; the row lists the parts in order, so any node can
// take the next chunk. On the last chunk the parts are joined into the final key.

export const uploadStatus = pgEnum('upload_status', [
	'uploading',
	'complete',
	/** The joined file was not what it claimed to be (sniffed type); parts deleted. */
	'rejected',
	/** Left incomplete past the expiry; parts deleted. */
	'expired'
]);

export interface UploadPart {
	/** Byte offset of the part's first byte in the file. */
	offset: number;
	size: number;
	/** Storage key of the part (uploads/<id>/…). */
	key: string;
}

export const uploads = pgTable(
	'uploads',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** What the file is for (uploads/purposes.ts): inspection_video. */
		purpose: text('purpose').notNull(),
		/** The thing it belongs to (an order id for an inspection video). */
		refId: uuid('ref_id').notNull(),
		/** The owner: the caller's organisation and user (or token). */
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'cascade' }),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		tokenId: uuid('token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
		name: text('name').notNull(),
		/** Declared type; the content is sniffed on completion. */
		mime: text('mime').notNull(),
		size: bigint('size', { mode: 'number' }).notNull(),
		/** Bytes received so far (the sum of the parts). */
		offset: bigint('offset', { mode: 'number' }).notNull().default(0),
		parts: jsonb('parts').$type<UploadPart[]>().notNull().default([]),
		status: uploadStatus('status').notNull().default('uploading'),
		/** The joined file's storage key once complete. */
		key: text('key'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
		/** An incomplete upload is expired (parts deleted) after this; moved on by each chunk. */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		completedAt: timestamp('completed_at', { withTimezone: true })
	},
	(t) => [
		index('uploads_expiry_idx')
			.on(t.expiresAt)
			.where(sql`status = 'uploading'`),
		index('uploads_ref_idx').on(t.purpose, t.refId),
		check('uploads_offset_ck', sql`${t.offset} >= 0 and ${t.offset} <= ${t.size}`),
		check('uploads_size_ck', sql`${t.size} > 0`),
		check('uploads_complete_ck', sql`(${t.status} = 'complete') = (${t.key} is not null)`)
	]
);

export type UploadRow = typeof uploads.$inferSelect;
