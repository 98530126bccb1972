import { desc, eq, sql } from 'drizzle-orm';
import {
	DEFAULT_POLICY,
	diffPolicy,
	overridesOf,
	policyProblems,
	resolvePolicy,
	type Policy,
	type PolicyChange,
	type PolicyOverrides
} from '$lib/domain/policy';
import { db, dbHandle, execRows, jsonValue, type DbHandle, type DbOrTx } from '../db';
import { policyVersions, users } from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { logger } from '../log';
import type { z } from '../validation';
import { PolicySaveInput, PolicySchema } from './policy-schema';

/**
 * The policy in force: DEFAULT_POLICY merged with the operator's latest saved version
 * (policy_versions). `currentPolicy()` is synchronous and costs a property read, so hot paths
 * (a lock, an order line) call it on every request; each process keeps the effective policy in
 * memory and refreshes it
 *  - at once after a save on this process,
 *  - on NOTIFY `lotlive_policy` (sent by every save, delivered at commit) on every other node,
 *  - and every `POLICY_REREAD_MS` as a fallback, for a notification lost while the listening
 *    connection was down (the listener also re-reads whenever it reconnects).
 * Until the first read completes a process answers with DEFAULT_POLICY; `ready()` reads it
 * before the server takes requests.
 */
export const POLICY_CHANNEL = 'lotlive_policy';
export const POLICY_REREAD_MS = 5_000;

/**
 * Who may edit the policy: an operator signed in as themself (a token has no operator role).
 * A Principal (auth/) is one; platform sits below auth, so it names only the fields it reads.
 */
interface PolicyEditor {
	readonly userId: string | null;
	readonly role: string | null;
}

export interface PolicyCache {
	/** The effective policy (synchronous, in memory). */
	current(): Policy;
	/** The version it came from (0: no saved version, the defaults). */
	version(): number;
	/** Reads the latest version now. */
	refresh(): Promise<Policy>;
	/** Listens for saves and re-reads periodically; resolves to the function that stops both. */
	start(opts?: { everyMs?: number; listen?: boolean }): Promise<() => Promise<void>>;
}

/** The effective policy of a stored override set; a field that fails today's bounds keeps its default. */
export function effectivePolicy(overrides: unknown): Policy {
	const merged = resolvePolicy((overrides ?? {}) as PolicyOverrides);
	const r = PolicySchema.safeParse(merged);
	if (r.success && policyProblems(r.data).length === 0) return r.data;
	const bad = r.success
		? policyProblems(r.data).map((p) => p.field.split('.'))
		: r.error.issues.map((i) => i.path.map(String));
	logger().warn(
		{ fields: bad.map((b) => b.join('.')) },
		'stored policy override out of bounds; default used'
	);
	const out = structuredClone(merged) as unknown as Record<string, unknown>;
	const dflt = DEFAULT_POLICY as unknown as Record<string, unknown>;
	for (const path of bad) {
		// reset the whole section: a cross-field rule may involve its siblings
		const section = path[0];
		if (section && section in dflt) out[section] = structuredClone(dflt[section]);
	}
	return out as unknown as Policy;
}

async function latest(tx: DbOrTx): Promise<{ version: number; overrides: unknown } | undefined> {
	const [row] = await tx
		.select({ version: policyVersions.version, overrides: policyVersions.overrides })
		.from(policyVersions)
		.orderBy(desc(policyVersions.version))
		.limit(1);
	return row;
}

/** A cache over one database handle (one per process; tests make a second to play another node). */
export function createPolicyCache(handle: () => DbHandle): PolicyCache {
	let state = { version: 0, policy: DEFAULT_POLICY };
	let reading: Promise<Policy> | undefined;
	let again = false;

	async function read(): Promise<Policy> {
		const row = await latest(handle().db);
		const version = row?.version ?? 0;
		// Reads run one at a time (refresh), so the last one read is the newest.
		if (version !== state.version)
			state = { version, policy: row ? effectivePolicy(jsonValue(row.overrides)) : DEFAULT_POLICY };
		return state.policy;
	}

	/** One read at a time; a refresh asked for during a read runs once more after it. */
	function refresh(): Promise<Policy> {
		if (reading) {
			again = true;
			return reading;
		}
		reading = (async () => {
			try {
				let p = await read();
				while (again) {
					again = false;
					p = await read();
				}
				return p;
			} finally {
				reading = undefined;
			}
		})();
		return reading;
	}

	const quietRefresh = () =>
		refresh().catch((err) => logger().warn({ err }, 'policy re-read failed; keeping the last'));

	return {
		current: () => state.policy,
		version: () => state.version,
		refresh,
		async start({ everyMs = POLICY_REREAD_MS, listen = true } = {}) {
			let unlisten: (() => Promise<void>) | undefined;
			if (listen) {
				unlisten = await handle().listen(
					POLICY_CHANNEL,
					() => void quietRefresh(),
					// (re)connected: anything sent while the connection was down was missed
					() => void quietRefresh()
				);
			}
			await quietRefresh();
			const timer = setInterval(() => void quietRefresh(), everyMs);
			timer.unref();
			return async () => {
				clearInterval(timer);
				await unlisten?.();
			};
		}
	};
}

const key = Symbol.for('lotlive.policyCache');
type G = typeof globalThis & { [key]?: PolicyCache };

/** This process's cache (on globalThis: the SvelteKit bundle and the server entry share it). */
export function policyCache(): PolicyCache {
	const g = globalThis as G;
	return (g[key] ??= createPolicyCache(dbHandle));
}

/** The policy in force on this node. Synchronous and cheap: call it where the number is used. */
export function currentPolicy(): Policy {
	return policyCache().current();
}

/** Forgets this process's cache (tests that swap databases); the next refresh reads afresh. */
export function resetPolicyCache(): void {
	(globalThis as G)[key] = undefined;
}

/** Reads the latest version into this process's cache now. */
export function refreshPolicy(): Promise<Policy> {
	return policyCache().refresh();
}

/** Starts this process's listener and periodic re-read (runtime.ready()). */
export function startPolicySync(opts?: { everyMs?: number }): Promise<() => Promise<void>> {
	return policyCache().start(opts);
}

export interface PolicyVersionView {
	version: number;
	reason: string;
	changes: PolicyChange[];
	createdAt: Date;
	createdBy: { id: string; displayName: string; email: string } | null;
}

function requireOperator(actor: PolicyEditor): void {
	if (actor.role !== 'operator' || !actor.userId) throw forbidden();
}

/** Sets a dotted-path leaf of a plain-object tree, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const keys = path.split('.');
	let at = target;
	for (const k of keys.slice(0, -1)) {
		const next = at[k];
		if (typeof next !== 'object' || next === null || Array.isArray(next)) at[k] = {};
		at = at[k] as Record<string, unknown>;
	}
	at[keys.at(-1)!] = value;
}

/** Whether a dotted path names a leaf of the policy. */
function isPolicyLeaf(path: string): boolean {
	let at: unknown = DEFAULT_POLICY;
	for (const k of path.split('.')) {
		if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, k))
			return false;
		at = (at as Record<string, unknown>)[k];
	}
	return typeof at !== 'object' || Array.isArray(at);
}

/**
 * Saves a new version: `changes` maps dotted paths (`live.lockTtlMinutes`) to new values over the
 * policy in force. The result is checked whole (every field's bounds, then the cross-field rules)
 * before anything is written; the version records who, when, why and what changed, and every
 * node takes it in within seconds (NOTIFY at commit, the periodic re-read as a fallback).
 */
export async function savePolicy(
	actor: PolicyEditor,
	raw: unknown
): Promise<{ version: number; policy: Policy; changes: PolicyChange[] }> {
	requireOperator(actor);
	const input = parse(PolicySaveInput, raw);
	for (const path of Object.keys(input.changes)) {
		if (!isPolicyLeaf(path))
			throw new AppError('invalid', 'invalid_input', 'policy.err.unknown_field', {
				field: path
			});
	}
	const saved = await db().transaction(async (tx) => {
		// One save at a time: versions are numbered in order and each diff is against its predecessor.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('policy_versions'))`);
		const prev = await latest(tx);
		const prevVersion = prev?.version ?? 0;
		if (input.baseVersion !== undefined && input.baseVersion !== prevVersion)
			throw new AppError('conflict', 'conflict', 'policy.err.stale', {
				params: { version: prevVersion }
			});
		const before = prev ? effectivePolicy(jsonValue(prev.overrides)) : DEFAULT_POLICY;
		const draft = structuredClone(before) as unknown as Record<string, unknown>;
		for (const [path, value] of Object.entries(input.changes)) setPath(draft, path, value);
		const next = parse(PolicySchema, draft);
		const problem = policyProblems(next)[0];
		if (problem)
			throw new AppError('invalid', 'invalid_input', problem.message, {
				field: problem.field,
				params: problem.params
			});
		const changes = diffPolicy(before, next);
		if (changes.length === 0)
			throw new AppError('rule', 'rule_violation', 'policy.err.unchanged', { field: 'changes' });
		const version = prevVersion + 1;
		await tx.insert(policyVersions).values({
			version,
			overrides: overridesOf(next),
			changes,
			reason: input.reason,
			createdBy: actor.userId
		});
		await tx.execute(sql`select pg_notify(${POLICY_CHANNEL}, ${String(version)})`);
		return { version, policy: next, changes };
	});
	await policyCache()
		.refresh()
		.catch((err) => logger().warn({ err }, 'policy re-read after save failed'));
	return saved;
}

/** The saved versions, newest first, with who saved each. Operators only. */
export async function policyHistory(actor: PolicyEditor, limit = 50): Promise<PolicyVersionView[]> {
	requireOperator(actor);
	const rows = await db()
		.select({
			version: policyVersions.version,
			reason: policyVersions.reason,
			changes: policyVersions.changes,
			createdAt: policyVersions.createdAt,
			userId: users.id,
			displayName: users.displayName,
			email: users.email
		})
		.from(policyVersions)
		.leftJoin(users, eq(users.id, policyVersions.createdBy))
		.orderBy(desc(policyVersions.version))
		.limit(Math.max(1, Math.min(limit, 200)));
	return rows.map((r) => ({
		version: r.version,
		reason: r.reason,
		changes: jsonValue<PolicyChange[]>(r.changes),
		createdAt: r.createdAt,
		createdBy: r.userId ? { id: r.userId, displayName: r.displayName!, email: r.email! } : null
	}));
}

/** The latest saved version number in the database (0: none), read now. */
export async function latestPolicyVersion(tx: DbOrTx = db()): Promise<number> {
	const [r] = await execRows<{ v: number }>(
		sql`select coalesce(max(version), 0)::int as v from policy_versions`,
		tx
	);
	return Number(r?.v ?? 0);
}

/**
 * A maximum taken from the policy in force when the input is checked (not when the schema was
 * built), reported as zod's own `too_big` so the message is the usual one ({maximum}).
 */
export function policyMax(get: (p: Policy) => number, origin: 'number' | 'array' = 'number') {
	return (v: number | unknown[], ctx: z.RefinementCtx) => {
		const maximum = get(currentPolicy());
		const size = Array.isArray(v) ? v.length : v;
		if (size > maximum)
			ctx.addIssue({ code: 'too_big', maximum, origin, inclusive: true, input: v });
	};
}
