import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Policy } from '$lib/domain/policy';
import { currentPolicy } from '../platform/policy';
import { ORG_KIND_BY_ROLE } from '$lib/domain/roles';
import { db } from '../db';
import { env } from '../env';
import { apiTokens, orgs, teamInvitations, users, type Role } from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { publishInTx, transaction } from '../events/bus';
import { dummyHash, hashPassword, verifyPassword } from './password';
import {
	AcceptInvitationInput,
	CreateApiTokenInput,
	InviteInput,
	passwordMin,
	SignInInput,
	SignUpInput
} from './schemas';
import { requireSession, type Principal } from './principal';
import { createSession, forgetCachedSessions } from './session';
import { generateToken, hashToken } from './tokens';
import { check, clear, count, hit, rules, type Rule } from '../ratelimit';
import { idParam } from '../validation';

/** Where a request came from, for the per-address rate limits (unset for internal calls). */
export interface RequestOrigin {
	ip?: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** An organisation's API token, as authenticateApiToken finds it (see principal.ts). */
export interface ApiTokenIdentity {
	tokenId: string;
	orgId: string;
	orgKind: string;
}

function isUniqueViolation(e: unknown): boolean {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur; i++) {
		const c = cur as { code?: unknown; cause?: unknown };
		if (c.code === '23505') return true;
		cur = c.cause;
	}
	return false;
}

const emailTaken = () =>
	new AppError('conflict', 'email_taken', 'auth.err.email_taken', { field: 'email' });

/** Creates an organisation of the kind the role needs, and its first user, in one transaction. */
export async function signUp(
	raw: unknown,
	origin: RequestOrigin = {}
): Promise<{ userId: string; orgId: string }> {
	const input: SignUpInput = parse(SignUpInput, raw, { min: passwordMin() });
	// Every well-formed attempt counts against the address (429 past RATE_LIMIT_SIGNUP_IP).
	if (origin.ip) await hit([[rules().signUpIp, origin.ip]]);
	const passwordHash = await hashPassword(input.password);
	try {
		return await transaction(async (tx) => {
			const kind = ORG_KIND_BY_ROLE[input.role];
			const [org] = await tx
				.insert(orgs)
				.values({ kind, name: input.orgName })
				.returning({ id: orgs.id });
			const [user] = await tx
				.insert(users)
				.values({
					email: input.email,
					passwordHash,
					displayName: input.displayName,
					role: input.role,
					orgId: org!.id,
					locale: input.locale ?? 'zh-CN'
				})
				.returning({ id: users.id });
			// The catalog gives a supplier organisation its profile here (waiting for admission).
			await publishInTx(tx, 'org.created', { orgId: org!.id, kind });
			return { userId: user!.id, orgId: org!.id };
		});
	} catch (e) {
		if (isUniqueViolation(e)) throw emailTaken();
		throw e;
	}
}

/**
 * Checks email and password. Unknown email and wrong password give the same error, and an
 * unknown email still pays for one argon2 verification, so neither the answer nor its timing
 * tells whether an account exists.
 */
export async function signIn(
	raw: unknown,
	policy: Policy = currentPolicy(),
	origin: RequestOrigin = {}
): Promise<{ token: string; expiresAt: Date; userId: string; role: Role; locale: string }> {
	const input = parse(SignInInput, raw);
	// Lockout: too many failures for this account (known or not) or from this address → 429,
	// before any password is checked. Only failures are counted.
	const limits = rules();
	const watched: [Rule, string][] = [[limits.signInAccount, input.email]];
	if (origin.ip) watched.push([limits.signInIp, origin.ip]);
	await check(watched);
	const [user] = await db().select().from(users).where(eq(users.email, input.email)).limit(1);
	const ok = user
		? await verifyPassword(user.passwordHash, input.password)
		: (await verifyPassword(await dummyHash(), input.password), false);
	if (!user || !ok || user.disabledAt) {
		await count(watched);
		throw new AppError('unauthenticated', 'invalid_credentials', 'auth.err.credentials');
	}
	await clear(limits.signInAccount, input.email);
	const session = await createSession(user.id, policy);
	return { ...session, userId: user.id, role: user.role, locale: user.locale };
}

export async function setUserLocale(userId: string, locale: 'zh-CN' | 'en'): Promise<void> {
	await db().update(users).set({ locale }).where(eq(users.id, userId));
	forgetCachedSessions(userId);
}

// ---------------------------------------------------------------- team invitations

/** The host's team (only a signed-in host invites; an API token never does). */
function requireHost(actor: Principal): string {
	if (actor.source !== 'session' || actor.role !== 'host' || !actor.orgId)
		throw forbidden('err.host_only_invite');
	return actor.orgId;
}

export async function inviteAssistant(
	actor: Principal,
	raw: unknown,
	policy: Policy = currentPolicy()
): Promise<{ id: string; token: string; expiresAt: Date }> {
	const orgId = requireHost(actor);
	const { email } = parse(InviteInput, raw);
	const [existing] = await db()
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, email))
		.limit(1);
	if (existing) throw emailTaken();
	const token = generateToken();
	const expiresAt = new Date(Date.now() + policy.auth.invitationDays * DAY);
	const [row] = await db()
		.insert(teamInvitations)
		.values({
			orgId,
			email,
			tokenHash: hashToken(token),
			invitedBy: requireSession(actor).userId,
			expiresAt
		})
		.returning({ id: teamInvitations.id });
	return { id: row!.id, token, expiresAt };
}

export async function listOpenInvitations(actor: Principal) {
	const orgId = requireHost(actor);
	return db()
		.select({
			id: teamInvitations.id,
			email: teamInvitations.email,
			expiresAt: teamInvitations.expiresAt
		})
		.from(teamInvitations)
		.where(
			and(
				eq(teamInvitations.orgId, orgId),
				isNull(teamInvitations.acceptedAt),
				gt(teamInvitations.expiresAt, new Date())
			)
		)
		.orderBy(desc(teamInvitations.createdAt));
}

/** What an invitation link shows before the person accepts. */
export async function findInvitation(token: string) {
	const [row] = await db()
		.select({
			id: teamInvitations.id,
			email: teamInvitations.email,
			teamName: orgs.name,
			expiresAt: teamInvitations.expiresAt,
			acceptedAt: teamInvitations.acceptedAt
		})
		.from(teamInvitations)
		.innerJoin(orgs, eq(orgs.id, teamInvitations.orgId))
		.where(eq(teamInvitations.tokenHash, hashToken(token)))
		.limit(1);
	if (!row || row.acceptedAt || row.expiresAt.getTime() <= Date.now()) return null;
	return row;
}

/** Creates the assistant's account in the inviting team and signs them in. */
export async function acceptInvitation(raw: unknown, policy: Policy = currentPolicy()) {
	const input = parse(AcceptInvitationInput, raw, { min: passwordMin() });
	const passwordHash = await hashPassword(input.password);
	try {
		return await db().transaction(async (tx) => {
			const [inv] = await tx
				.select()
				.from(teamInvitations)
				.where(eq(teamInvitations.tokenHash, hashToken(input.token)))
				.for('update')
				.limit(1);
			if (!inv || inv.acceptedAt || inv.expiresAt.getTime() <= Date.now()) {
				throw new AppError('not_found', 'invitation_invalid', 'auth.err.invitation', {
					field: 'token'
				});
			}
			if (inv.email !== input.email) {
				throw new AppError('invalid', 'invitation_email', 'auth.err.invitation_email', {
					field: 'email'
				});
			}
			const [user] = await tx
				.insert(users)
				.values({
					email: input.email,
					passwordHash,
					displayName: input.displayName,
					role: 'assistant',
					orgId: inv.orgId,
					locale: input.locale ?? 'zh-CN'
				})
				.returning({ id: users.id });
			await tx
				.update(teamInvitations)
				.set({ acceptedAt: new Date(), acceptedBy: user!.id })
				.where(eq(teamInvitations.id, inv.id));
			const session = await createSession(user!.id, policy, tx);
			return { userId: user!.id, ...session };
		});
	} catch (e) {
		if (isUniqueViolation(e)) throw emailTaken();
		throw e;
	}
}

export async function listTeam(actor: Principal) {
	if (!actor.orgId) return [];
	return db()
		.select({
			id: users.id,
			email: users.email,
			displayName: users.displayName,
			role: users.role
		})
		.from(users)
		.where(eq(users.orgId, actor.orgId))
		.orderBy(users.createdAt);
}

// ---------------------------------------------------------------- API tokens

const TOKEN_PREFIX = 'llt_';

export async function createApiToken(actor: Principal, raw: unknown, origin: RequestOrigin = {}) {
	// Tokens are made by people: a token cannot mint another.
	const { userId } = requireSession(actor);
	if (!actor.orgId) throw forbidden('err.token_org');
	if (actor.role === 'assistant') throw forbidden('err.token_host');
	const { name } = parse(CreateApiTokenInput, raw);
	const limits = rules();
	const counted: [Rule, string][] = [[limits.tokenAccount, userId]];
	if (origin.ip) counted.push([limits.tokenIp, origin.ip]);
	await hit(counted);
	const token = TOKEN_PREFIX + generateToken(24);
	const [row] = await db()
		.insert(apiTokens)
		.values({
			orgId: actor.orgId,
			name,
			prefix: token.slice(0, 10),
			tokenHash: hashToken(token),
			createdBy: userId
		})
		.returning({ id: apiTokens.id });
	return { id: row!.id, token };
}

export async function listApiTokens(actor: Principal) {
	if (!actor.orgId) return [];
	return db()
		.select({
			id: apiTokens.id,
			name: apiTokens.name,
			prefix: apiTokens.prefix,
			createdAt: apiTokens.createdAt,
			lastUsedAt: apiTokens.lastUsedAt
		})
		.from(apiTokens)
		.where(and(eq(apiTokens.orgId, actor.orgId), isNull(apiTokens.revokedAt)))
		.orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(actor: Principal, rawId: string) {
	requireSession(actor);
	if (!actor.orgId || actor.role === 'assistant') throw forbidden();
	const id = idParam(rawId, 'id');
	const rows = await db()
		.update(apiTokens)
		.set({ revokedAt: new Date() })
		.where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, actor.orgId), isNull(apiTokens.revokedAt)))
		.returning({ id: apiTokens.id });
	if (rows.length === 0) throw notFound('Token');
	tokenCache.clear();
}

const lastUsedWritten = new Map<string, number>();
/**
 * Tokens seen in the last SESSION_CACHE_MS, by hash: a busy webhook skips a query per call.
 * Revoking clears this process's cache at once; other processes stop accepting the token
 * within SESSION_CACHE_MS.
 */
const tokenCache = new Map<string, { at: number; actor: ApiTokenIdentity }>();

/** Resolves a Bearer token to its organisation; null when unknown or revoked. */
export async function authenticateApiToken(token: string): Promise<ApiTokenIdentity | null> {
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
	const hash = hashToken(token);
	const ttl = env().SESSION_CACHE_MS;
	const hit = ttl > 0 ? tokenCache.get(hash) : undefined;
	if (hit && hit.at > Date.now() - ttl) return hit.actor;
	const [row] = await db()
		.select({ id: apiTokens.id, orgId: apiTokens.orgId, orgKind: orgs.kind })
		.from(apiTokens)
		.innerJoin(orgs, eq(orgs.id, apiTokens.orgId))
		.where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)))
		.limit(1);
	if (!row) return null;
	// Record use at most once a minute per token so a busy integration does not write every call.
	const now = Date.now();
	if ((lastUsedWritten.get(row.id) ?? 0) < now - 60_000) {
		lastUsedWritten.set(row.id, now);
		await db()
			.update(apiTokens)
			.set({ lastUsedAt: new Date(now) })
			.where(eq(apiTokens.id, row.id));
	}
	const actor: ApiTokenIdentity = { tokenId: row.id, orgId: row.orgId, orgKind: row.orgKind };
	if (ttl > 0) {
		if (tokenCache.size > 10_000) tokenCache.clear();
		tokenCache.set(hash, { at: Date.now(), actor });
	}
	return actor;
}
