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
export async function dbFingerprint(): Promise<Record<string, string>> {
	const tables = await execRows<{ name: string }>(
		sql`select table_name as name from information_schema.tables
			where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
	);
	const out: Record<string, string> = {};
	for (const { name } of tables) {
		if (SKIP.has(name)) continue;
		const drop = (VOLATILE[name] ?? []).map((c) => ` - '${c}'`).join('');
		const row = `(to_jsonb(t)${drop})::text`;
		const [r] = await execRows<{ n: number | string; h: string | null }>(
			sql.raw(
				`select count(*) as n, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as h from "${name}" t`
			)
		);
		out[name] = `${r!.n}:${r!.h}`;
	}
	return out;
}
