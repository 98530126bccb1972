import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tokenPrincipal } from '../../src/lib/server/auth/principal';
import {
	acceptInvitation,
	authenticateApiToken,
	createApiToken,
	findInvitation,
	inviteAssistant,
	revokeApiToken,
	signIn,
	signUp
} from '../../src/lib/server/auth/service';
import {
	createSession,
	invalidateSession,
	validateSessionToken
} from '../../src/lib/server/auth/session';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { db } from '../../src/lib/server/db';
import { sessions, users } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { translator } from '../../src/lib/server/http';
import { makeUser } from '../helpers/users';

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

const good = {
	email: 'new.buyer@example.cn',
	password: 'long enough',
	displayName: '陈老板',
	orgName: '白马档口',
	role: 'buyer'
};

describe('sign up', () => {
	it('refuses a bad email with 400 naming the field, and writes nothing', async () => {
		const e = await caught(signUp({ ...good, email: 'not-an-email' }));
		expect(e.status).toBe(400);
		expect(e.code).toBe('invalid_input');
		expect(e.field).toBe('email');
		expect(e.toJSON(translator('en')).error.message).toBe('Enter a valid email address.');
		expect(await db().select().from(users)).toHaveLength(0);
	});

	it('refuses a short password with 400 naming the field and the minimum', async () => {
		const e = await caught(signUp({ ...good, password: 'short' }));
		expect(e.status).toBe(400);
		expect(e.field).toBe('password');
		expect(e.toJSON(translator('zh-CN')).error.message).toBe('密码至少需要 8 位。');
	});

	it('refuses roles one cannot choose (operator, assistant)', async () => {
		expect((await caught(signUp({ ...good, role: 'operator' }))).field).toBe('role');
		expect((await caught(signUp({ ...good, role: 'assistant' }))).field).toBe('role');
	});

	it('creates the user in a new organisation, and refuses the same email twice (409)', async () => {
		const r = await signUp({ ...good, email: 'Twice@Example.cn ' });
		expect(r.orgId).toBeTruthy();
		const [u] = await db().select().from(users).where(eq(users.id, r.userId));
		expect(u!.email).toBe('twice@example.cn');
		expect(u!.passwordHash).toMatch(/^\$argon2id\$/);
		const e = await caught(signUp({ ...good, email: 'twice@example.cn' }));
		expect(e.status).toBe(409);
		expect(e.field).toBe('email');
	});
});

describe('sign in', () => {
	it('gives the same answer for a wrong password and an unknown email', async () => {
		await signUp({ ...good, email: 'known@example.cn' });
		const wrong = await caught(signIn({ email: 'known@example.cn', password: 'wrong password' }));
		const unknown = await caught(
			signIn({ email: 'nobody@example.cn', password: 'wrong password' })
		);
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(wrong.toJSON()).toEqual(unknown.toJSON());
		const ok = await signIn({ email: 'KNOWN@example.cn', password: good.password });
		expect(ok.token).toMatch(/^[a-z2-7]{32}$/);
	});
});

describe('sessions', () => {
	it('stores only the SHA-256 of the token', async () => {
		const { userId, token } = await makeUser('buyer');
		const rows = await db().select().from(sessions).where(eq(sessions.userId, userId));
		expect(rows.map((r) => r.id)).toContain(hashToken(token));
		expect(rows.map((r) => r.id)).not.toContain(token);
	});

	it('rejects and deletes an expired session', async () => {
		const { userId } = await makeUser('buyer');
		const { token } = await createSession(userId);
		await db()
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(sessions.id, hashToken(token)));
		expect(await validateSessionToken(token)).toBeNull();
		expect(
			await db()
				.select()
				.from(sessions)
				.where(eq(sessions.id, hashToken(token)))
		).toHaveLength(0);
	});

	it('slides the expiry forward in the second half of the session', async () => {
		const { userId } = await makeUser('buyer');
		const { token } = await createSession(userId);
		const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000);
		await db()
			.update(sessions)
			.set({ expiresAt: soon })
			.where(eq(sessions.id, hashToken(token)));
		const v = await validateSessionToken(token);
		expect(v!.session.renewed).toBe(true);
		expect(v!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
		const again = await validateSessionToken(token);
		expect(again!.session.renewed).toBe(false);
	});

	it('remembers a validated session briefly, and forgets it at sign-out', async () => {
		const { userId } = await makeUser('buyer');
		const { token } = await createSession(userId);
		expect(await validateSessionToken(token)).not.toBeNull();
		// served from memory: the row is gone but the session still validates within the window
		await db()
			.delete(sessions)
			.where(eq(sessions.id, hashToken(token)));
		expect(await validateSessionToken(token)).not.toBeNull();
		// signing out clears it at once
		await invalidateSession(hashToken(token));
		expect(await validateSessionToken(token)).toBeNull();
	});

	it('rejects a made-up token', async () => {
		expect(await validateSessionToken('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBeNull();
	});
});

describe('team invitations', () => {
	it('lets a host invite an assistant who joins the team', async () => {
		const host = await makeUser('host', { orgName: '小鹿直播间' });
		const inv = await inviteAssistant(host.principal, { email: 'helper@example.cn' });
		expect((await findInvitation(inv.token))!.teamName).toBe('小鹿直播间');
		const wrongEmail = await caught(
			acceptInvitation({
				token: inv.token,
				email: 'other@example.cn',
				password: 'long enough',
				displayName: 'x'
			})
		);
		expect(wrongEmail.field).toBe('email');
		const joined = await acceptInvitation({
			token: inv.token,
			email: 'helper@example.cn',
			password: 'long enough',
			displayName: '阿杰'
		});
		const v = await validateSessionToken(joined.token);
		expect(v!.user.role).toBe('assistant');
		expect(v!.user.orgId).toBe(host.orgId);
		// a link works once
		expect(await findInvitation(inv.token)).toBeNull();
		const again = await caught(
			acceptInvitation({
				token: inv.token,
				email: 'helper@example.cn',
				password: 'long enough',
				displayName: 'x'
			})
		);
		expect(again.status).toBe(404);
	});

	it('does not let a buyer invite anyone', async () => {
		const buyer = await makeUser('buyer');
		expect((await caught(inviteAssistant(buyer.principal, { email: 'x@example.cn' }))).status).toBe(
			403
		);
	});
});

describe('API tokens', () => {
	it('authenticates as the organisation until revoked', async () => {
		const host = await makeUser('host');
		const t = await createApiToken(host.principal, { name: 'Douyin webhook' });
		expect(t.token.startsWith('llt_')).toBe(true);
		const actor = await authenticateApiToken(t.token);
		expect(actor).toMatchObject({ orgId: host.orgId, orgKind: 'host_team' });
		// the token acts for its host team as its host would, and is nobody in person
		expect(tokenPrincipal(actor!)).toMatchObject({
			source: 'token',
			role: 'host',
			orgKind: 'host_team',
			userId: null
		});
		const other = await makeUser('host');
		expect((await caught(revokeApiToken(other.principal, t.id))).status).toBe(404);
		await revokeApiToken(host.principal, t.id);
		expect(await authenticateApiToken(t.token)).toBeNull();
		expect(await authenticateApiToken('llt_madeup')).toBeNull();
	});
});
