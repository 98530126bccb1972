import { eq } from 'drizzle-orm';
import { db, type DbOrTx } from '../db';
import { orgs, sessions, users, type Role } from '../db/schema';
import type { Policy } from '$lib/domain/policy';
import { currentPolicy } from '../platform/policy';
import { generateToken, hashToken } from './tokens';
import { env } from '../env';

const DAY = 24 * 60 * 60 * 1000;

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	role: Role;
	orgId: string | null;
	orgName: string | null;
	locale: string;
}

export interface ValidSession {
	id: string;
	userId: string;
	expiresAt: Date;
	/** True when the expiry moved forward and the cookie must be re-sent. */
	renewed: boolean;
}

export const generateSessionToken = () => generateToken();

export async function createSession(
	userId: string,
	policy: Policy = currentPolicy(),
	tx: DbOrTx = db()
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateSessionToken();
	const expiresAt = new Date(Date.now() + policy.auth.sessionDays * DAY);
	await tx.insert(sessions).values({ id: hashToken(token), userId, expiresAt });
	return { token, expiresAt };
}

type Validated = { session: ValidSession; user: SessionUser };

/**
 * A short per-process memory of sessions just validated, so a burst of requests (a flash sale's
 * lock clicks, a webhook storm) does not pay a database round trip each. An entry lives at most
 * `SESSION_CACHE_MS` (default 5 s; 0 turns it off) and never past the session's expiry. Signing
 * out clears it on this process at once; other processes forget within that window.
 */
const cache = new Map<string, { value: Validated; until: number }>();

function cached(id: string): Validated | null {
	const hit = cache.get(id);
	if (!hit) return null;
	const now = Date.now();
	if (hit.until <= now || hit.value.session.expiresAt.getTime() <= now) {
		cache.delete(id);
		return null;
	}
	return { session: { ...hit.value.session, renewed: false }, user: hit.value.user };
}

function remember(id: string, value: Validated): void {
	const ttl = env().SESSION_CACHE_MS;
	if (ttl <= 0) return;
	if (cache.size >= 10_000) cache.clear();
	cache.set(id, { value, until: Date.now() + ttl });
}

/** Forgets cached sessions (all, or one user's) — after sign-out, disabling a user, tests. */
export function forgetCachedSessions(userId?: string): void {
	if (!userId) return cache.clear();
	for (const [id, e] of cache) if (e.value.user.id === userId) cache.delete(id);
}

/**
 * Looks the token up by its hash. Expired sessions are deleted and rejected; a session in the
 * second half of its life is extended (sliding expiry). Disabled users have no session.
 */
export async function validateSessionToken(
	token: string,
	policy: Policy = currentPolicy()
): Promise<Validated | null> {
	if (!token || token.length > 200) return null;
	const id = hashToken(token);
	const hit = cached(id);
	if (hit) return hit;
	const rows = await db()
		.select({
			session: sessions,
			user: {
				id: users.id,
				email: users.email,
				displayName: users.displayName,
				role: users.role,
				orgId: users.orgId,
				locale: users.locale,
				disabledAt: users.disabledAt
			},
			orgName: orgs.name
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.leftJoin(orgs, eq(orgs.id, users.orgId))
		.where(eq(sessions.id, id))
		.limit(1);
	const row = rows[0];
	if (!row) return null;
	const now = Date.now();
	if (row.session.expiresAt.getTime() <= now || row.user.disabledAt) {
		await db().delete(sessions).where(eq(sessions.id, id));
		return null;
	}
	let expiresAt = row.session.expiresAt;
	let renewed = false;
	if (expiresAt.getTime() - now < policy.auth.sessionRenewWithinDays * DAY) {
		expiresAt = new Date(now + policy.auth.sessionDays * DAY);
		await db().update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
		renewed = true;
	}
	const { disabledAt: _disabled, ...user } = row.user;
	const value: Validated = {
		session: { id, userId: row.user.id, expiresAt, renewed },
		user: { ...user, orgName: row.orgName }
	};
	remember(id, value);
	return value;
}

export async function invalidateSession(sessionId: string): Promise<void> {
	cache.delete(sessionId);
	await db().delete(sessions).where(eq(sessions.id, sessionId));
}

export const SESSION_COOKIE = 'lotlive_session';
