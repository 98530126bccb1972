import { sql } from 'drizzle-orm';
import { execRows } from '../../src/lib/server/db';

/** Tables whose rows change without a write by the caller (counters, relays). */
const SKIP = new Set(['rate_limit_counters', 'socket_io_attachments']);
/** Columns that move on every authenticated read (session expiry slides, token use time). */
const VOLATILE: Record<string, string[]> = {
	sessions: ['expires_at'],
	api_tokens: ['last_used_at']
};

/**
 * Row count and checksum of every application table: two equal fingerprints mean nothing was
 * written in between (what a refused request must leave behind).
 */
let tables: string[] | undefined;

export async function dbFingerprint(): Promise<Record<string, string>> {
	tables ??= (
		await execRows<{ name: string }>(
			sql`select table_name as name from information_schema.tables
				where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
		)
	)
		.map((r) => r.name)
		.filter((n) => !SKIP.has(n));
	// one statement for all tables (a refused request is checked after each call)
	const parts = tables.map((name) => {
		const drop = (VOLATILE[name] ?? []).map((c) => ` - '${c}'`).join('');
		const row = `(to_jsonb(t)${drop})::text`;
		return `select '${name}' as name, count(*)::text || ':' || md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as h from "${name}" t`;
	});
	const rows = await execRows<{ name: string; h: string }>(sql.raw(parts.join(' union all ')));
	return Object.fromEntries(rows.map((r) => [r.name, r.h]));
}
