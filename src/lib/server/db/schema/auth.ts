import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orgs } from './orgs';

export const userRole = pgEnum('user_role', [
	'operator',
	'supplier_staff',
	'host',
	'assistant',
	'buyer'
]);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Stored lower-cased and trimmed; unique. */
		email: text('email').notNull(),
		passwordHash: text('password_hash').notNull(),
		displayName: text('display_name').notNull(),
		role: userRole('role').notNull(),
		orgId: uuid('org_id').references(() => orgs.id, { onDelete: 'restrict' }),
		locale: text('locale').notNull().default('zh-CN'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		disabledAt: timestamp('disabled_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('users_email_key').on(t.email), index('users_org_idx').on(t.orgId)]
);

/** Lucia-style sessions: the id is the SHA-256 (hex) of the token the browser holds. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** Per-organisation API tokens for integrations (Bearer). Only the hash is stored. */
export const apiTokens = pgTable(
	'api_tokens',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/** First characters of the token, shown so people can tell tokens apart. */
		prefix: text('prefix').notNull(),
		tokenHash: text('token_hash').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
		index('api_tokens_org_idx').on(t.orgId)
	]
);

/** An invitation for an assistant to join a host team. Only the hash of the link token is stored. */
export const teamInvitations = pgTable(
	'team_invitations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'cascade' }),
		email: text('email').notNull(),
		tokenHash: text('token_hash').notNull(),
		invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		acceptedAt: timestamp('accepted_at', { withTimezone: true }),
		acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('team_invitations_token_key').on(t.tokenHash),
		index('team_invitations_open_idx')
			.on(t.orgId)
			.where(sql`accepted_at is null`)
	]
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Role = (typeof userRole.enumValues)[number];
