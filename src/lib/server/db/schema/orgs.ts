import { pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** What kind of business an organisation is; a user belongs to at most one. */
export const orgKind = pgEnum('org_kind', ['platform', 'supplier', 'host_team', 'buyer']);

export const orgs = pgTable('orgs', {
	id: uuid('id').primaryKey().defaultRandom(),
	kind: orgKind('kind').notNull(),
	name: text('name').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export type Org = typeof orgs.$inferSelect;
