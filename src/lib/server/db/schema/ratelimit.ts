import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Rate-limit counters shared by every node (src/lib/server/ratelimit/): attempts per key
 * (`signin:acct:<email>`, `signup:ip:<addr>`, …) per fixed window; a sliding window is
 * estimated from the current and the previous window. Rows are deleted once `expires_at` passed.
 */
export const rateLimitCounters = pgTable(
	'rate_limit_counters',
	{
		key: text('key').notNull(),
		/** floor(epoch ms / window length). */
		window: bigint('window', { mode: 'number' }).notNull(),
		count: integer('count').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [primaryKey({ columns: [t.key, t.window] })]
);
