import { eq } from 'drizzle-orm';
import { resolvePolicy, type Policy, type PolicyOverrides } from '$lib/domain/policy';
import { db, type DbOrTx } from '../db';
import { settings } from '../db/schema';

/**
 * The policy in force: DEFAULT_POLICY with the operator's overrides from `settings`
 * (scope 'policy', one row per section). Cached briefly; writes through setPolicySection
 * clear the cache of this process.
 */
const TTL_MS = 10_000;
let cached: { at: number; policy: Policy } | undefined;

let reading: Promise<Policy> | undefined;
/** Bumped by forgetPolicyCache, so a read that started before a write does not cache old rules. */
let generation = 0;

export async function currentPolicy(tx: DbOrTx = db()): Promise<Policy> {
	if (cached && Date.now() - cached.at < TTL_MS) return cached.policy;
	// Outside a caller's transaction, concurrent callers share one read when the cache lapses.
	if (tx !== db()) return readPolicy(tx);
	reading ??= readPolicy(tx).finally(() => (reading = undefined));
	return reading;
}

async function readPolicy(tx: DbOrTx): Promise<Policy> {
	const gen = generation;
	const rows = await tx
		.select({ key: settings.key, value: settings.value })
		.from(settings)
		.where(eq(settings.scope, 'policy'));
	const overrides: Record<string, unknown> = {};
	for (const r of rows) overrides[r.key] = r.value;
	const policy = resolvePolicy(overrides as PolicyOverrides);
	if (gen === generation) cached = { at: Date.now(), policy };
	return policy;
}

export function forgetPolicyCache(): void {
	cached = undefined;
	reading = undefined;
	generation++;
}
