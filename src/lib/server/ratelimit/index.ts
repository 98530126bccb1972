import { sql } from 'drizzle-orm';
import { isLimited, retryAfterMs, type WindowCounts } from '$lib/domain/rate-limit';
import { db, execRows } from '../db';
import { env } from '../env';
import { AppError } from '../errors';
import { logger } from '../log';

/**
 * Rate limits shared by every node through Postgres (or PGlite): attempts are counted per key
 * in fixed windows in `rate_limit_counters`, and the sliding window is estimated from the
 * current and previous window ($lib/domain/rate-limit). Limits and windows come from the
 * environment (RATE_LIMIT_*); a limit of 0 switches that rule off.
 */
export interface Rule {
	/** Prefix of the keys, e.g. `signin:acct`. */
	name: string;
	limit: number;
	windowMs: number;
	/** Catalogue key of the refusal's message ({seconds} and {minutes} are filled in). */
	message?: string;
}

export function rules() {
	const e = env();
	const signInWindow = e.RATE_LIMIT_SIGNIN_WINDOW_S * 1000;
	const hour = e.RATE_LIMIT_SIGNUP_WINDOW_S * 1000;
	return {
		/** Failed sign-ins per account (email), counted whether the account exists or not. */
		signInAccount: {
			name: 'signin:acct',
			limit: e.RATE_LIMIT_SIGNIN_ACCOUNT,
			windowMs: signInWindow,
			message: 'input.err.sign_in_locked'
		},
		/** Failed sign-ins per client address. */
		signInIp: {
			name: 'signin:ip',
			limit: e.RATE_LIMIT_SIGNIN_IP,
			windowMs: signInWindow,
			message: 'input.err.sign_in_locked'
		},
		/** Sign-up attempts per client address. */
		signUpIp: { name: 'signup:ip', limit: e.RATE_LIMIT_SIGNUP_IP, windowMs: hour },
		/** API tokens created per person and per client address. */
		tokenAccount: { name: 'token:acct', limit: e.RATE_LIMIT_TOKEN_ACCOUNT, windowMs: hour },
		tokenIp: { name: 'token:ip', limit: e.RATE_LIMIT_TOKEN_IP, windowMs: hour },
		/** Webhook calls (orders) per API token or person, per minute. */
		webhook: { name: 'webhook', limit: e.RATE_LIMIT_WEBHOOK_PER_MIN, windowMs: 60_000 }
	} satisfies Record<string, Rule>;
}

/** A refusal: 429 rate_limited with the seconds to wait (the HTTP edge sends Retry-After). */
function rateLimited(rule: Rule, waitMs: number): AppError {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	return new AppError('rate_limited', 'rate_limited', rule.message ?? 'input.err.rate_limited', {
		params: { seconds, minutes: Math.max(1, Math.ceil(seconds / 60)) },
		details: { retryAfter: seconds }
	});
}

const fullKey = (rule: Rule, key: string) => `${rule.name}:${key.slice(0, 300)}`;

interface Row extends Record<string, unknown> {
	key: string;
	window: number | string;
	count: number | string;
}

async function counts(key: string, win: number): Promise<WindowCounts> {
	const rows = await execRows<Row>(
		sql`select key, "window", count from rate_limit_counters
			where key = ${key} and "window" in (${win - 1}, ${win})`
	);
	const c: WindowCounts = { prev: 0, cur: 0 };
	for (const r of rows) {
		if (Number(r.window) === win) c.cur = Number(r.count);
		else c.prev = Number(r.count);
	}
	return c;
}

/**
 * Throws 429 when any of the (rule, key) pairs is over its limit, without counting anything.
 * Used before checking a password, so only failures are counted (see `count`).
 */
export async function check(pairs: [Rule, string][]): Promise<void> {
	const now = Date.now();
	let worst: { rule: Rule; wait: number } | undefined;
	for (const [rule, key] of pairs) {
		if (rule.limit <= 0) continue;
		const win = Math.floor(now / rule.windowMs);
		const elapsed = now - win * rule.windowMs;
		const c = await counts(fullKey(rule, key), win);
		if (isLimited(c, elapsed, rule.windowMs, rule.limit)) {
			const wait = retryAfterMs(c, elapsed, rule.windowMs, rule.limit);
			if (!worst || wait > worst.wait) worst = { rule, wait };
		}
	}
	if (worst) throw rateLimited(worst.rule, worst.wait);
}

/** Counts one attempt for each (rule, key) pair, in one statement per pair. */
export async function count(pairs: [Rule, string][], n = 1): Promise<void> {
	const now = Date.now();
	for (const [rule, key] of pairs) {
		if (rule.limit <= 0) continue;
		await add(fullKey(rule, key), Math.floor(now / rule.windowMs), rule.windowMs, n);
	}
}

async function add(key: string, win: number, windowMs: number, n: number): Promise<number> {
	const expires = new Date((win + 2) * windowMs).toISOString();
	const [row] = await execRows<{ count: number | string }>(
		sql`insert into rate_limit_counters (key, "window", count, expires_at)
			values (${key}, ${win}, ${n}, ${expires}::timestamptz)
			on conflict (key, "window") do update set count = rate_limit_counters.count + excluded.count
			returning count`
	);
	return Number(row?.count ?? n);
}

/**
 * Counts an attempt and refuses it when it goes over the limit (sign-ups, token creation: every
 * attempt counts). The attempt that crosses the limit is refused, and so is every one after it
 * until the sliding window has room again.
 */
export async function hit(pairs: [Rule, string][]): Promise<void> {
	await check(pairs);
	await count(pairs);
}

/** Forgets the failures counted for a key (a successful sign-in clears its account's). */
export async function clear(rule: Rule, key: string): Promise<void> {
	if (rule.limit <= 0) return;
	await db().execute(sql`delete from rate_limit_counters where key = ${fullKey(rule, key)}`);
}

// ------------------------------------------------------------------ hot path (webhook)

/**
 * For endpoints called a thousand times a second (the order webhook) a statement per call is too
 * dear: each process counts in memory and, once a second, adds its counts to the shared rows
 * in one statement and reads back every node's totals. A call is refused when the last known
 * total plus this process's unsynced calls reach the limit, so nodes together may overshoot by
 * at most one second's worth of calls — fine for a limit meant to stop runaway integrations.
 */
export function createFastLimiter(rule: () => Rule, syncEveryMs = 1000) {
	/** Per key: this window, calls not yet synced, and the shared counts last read. */
	const state = new Map<string, { win: number; unsynced: number; shared: WindowCounts }>();
	let timer: ReturnType<typeof setInterval> | undefined;
	let syncing: Promise<void> | null = null;

	async function sync(): Promise<void> {
		const r = rule();
		const now = Date.now();
		const win = Math.floor(now / r.windowMs);
		const entries = [...state.entries()];
		for (const [key, s] of entries) {
			if (s.win < win - 1 && s.unsynced === 0) state.delete(key);
		}
		for (const [key, s] of state) {
			const n = s.unsynced;
			s.unsynced = 0;
			try {
				if (n > 0) await add(key, s.win, r.windowMs, n);
				s.shared = await counts(key, win);
				s.win = win;
			} catch (err) {
				s.unsynced += n; // tried again next time
				logger().warn({ err, key }, 'rate limit sync failed');
			}
		}
	}

	function ensureTimer() {
		if (timer) return;
		timer = setInterval(() => {
			if (syncing) return;
			syncing = sync().finally(() => (syncing = null));
		}, syncEveryMs);
		timer.unref();
	}

	return {
		/** Counts a call for `key`; throws 429 when the key is over its limit. Synchronous. */
		hit(key: string): void {
			const r = rule();
			if (r.limit <= 0) return;
			ensureTimer();
			const now = Date.now();
			const win = Math.floor(now / r.windowMs);
			const k = fullKey(r, key);
			let s = state.get(k);
			if (!s) state.set(k, (s = { win, unsynced: 0, shared: { prev: 0, cur: 0 } }));
			if (s.win !== win) {
				// A new window began since the last sync: what was current is now the previous one.
				s.shared = { prev: s.win === win - 1 ? s.shared.cur + s.unsynced : 0, cur: 0 };
				if (s.unsynced > 0) {
					const n = s.unsynced;
					const old = s.win;
					s.unsynced = 0;
					void add(k, old, r.windowMs, n).catch((err: unknown) =>
						logger().warn({ err, key: k }, 'rate limit sync failed')
					);
				}
				s.win = win;
			}
			const c = { prev: s.shared.prev, cur: s.shared.cur + s.unsynced };
			const elapsed = now - win * r.windowMs;
			if (isLimited(c, elapsed, r.windowMs, r.limit)) {
				throw rateLimited(r, retryAfterMs(c, elapsed, r.windowMs, r.limit));
			}
			s.unsynced++;
		},
		/** Adds this process's counts to the shared rows now (tests, shutdown). */
		flush: () => sync(),
		stop() {
			clearInterval(timer);
			timer = undefined;
			state.clear();
		}
	};
}

export type FastLimiter = ReturnType<typeof createFastLimiter>;

const WEBHOOK = Symbol.for('lotlive.webhookLimiter');
/**
 * The order webhook's limiter (per API token or person): one per process, shared by every copy
 * of this module (SvelteKit's and the server entry's), stopped by the runtime's shutdown.
 */
export const webhookLimiter: FastLimiter = ((globalThis as Record<symbol, unknown>)[WEBHOOK] ??=
	createFastLimiter(() => rules().webhook)) as FastLimiter;

/** Adds what this process counted to the shared rows and stops syncing (shutdown). */
export async function stopRateLimits(): Promise<void> {
	await webhookLimiter.flush().catch(() => {});
	webhookLimiter.stop();
}

/** Drops the counters of windows that are over (the rate limit module's job). */
export function deleteExpiredCounters() {
	return db().execute(sql`delete from rate_limit_counters where expires_at < now()`);
}
