import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';

/**
 * The operator's policy, one row per saved version (src/lib/server/platform/policy.ts is the only
 * writer). A row holds the complete set of overrides in force from then on (not a delta), so the
 * latest row alone gives the effective policy: DEFAULT_POLICY merged with `overrides`. Rows are
 * never updated: together they are the history (who, when, why, what changed).
 */
export const policyVersions = pgTable(
	'policy_versions',
	{
		/** 1, 2, 3… in the order saved; the latest wins. */
		version: integer('version').primaryKey(),
		/** Every override in force (a partial Policy). */
		overrides: jsonb('overrides').notNull(),
		/** What this version changed against the one before: [{path, from, to}]. */
		changes: jsonb('changes')
			.notNull()
			.default(sql`'[]'::jsonb`),
		reason: text('reason').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('policy_versions_version_positive', sql`${t.version} > 0`)]
);

export type PolicyVersionRow = typeof policyVersions.$inferSelect;
