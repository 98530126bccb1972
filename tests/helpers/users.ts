import { signIn, signUp } from '../../src/lib/server/auth/service';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session';
import { db } from '../../src/lib/server/db';
import { users } from '../../src/lib/server/db/schema';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

let n = 0;
/** Signs up a new user of the given role in a new organisation and signs them in. */
export async function makeUser(
	role: 'buyer' | 'supplier_staff' | 'host',
	over: Partial<{ email: string; orgName: string }> = {}
) {
	n++;
	const email =
		over.email ?? `${role}-${n}-${Math.random().toString(36).slice(2, 7)}@test.lotlive.cn`;
	const password = 'correct horse battery';
	const { userId, orgId } = await signUp({
		email,
		password,
		displayName: `${role} ${n}`,
		orgName: over.orgName ?? `${role} org ${n}`,
		role
	});
	const session = await signIn({ email, password });
	const v = await validateSessionToken(session.token);
	return {
		userId,
		orgId,
		email,
		password,
		token: session.token,
		user: v!.user,
		principal: sessionPrincipal(v!.user)
	};
}

/**
 * Adds a user with any role to an existing organisation (assistants of a host team, operators)
 * and gives them a session. The password hash is a placeholder: these users only use the token.
 */
export async function makeMember(
	role: 'assistant' | 'host' | 'operator' | 'buyer',
	orgId: string | null,
	over: Partial<{ email: string; displayName: string }> = {}
) {
	n++;
	const email =
		over.email ?? `${role}-${n}-${Math.random().toString(36).slice(2, 7)}@test.lotlive.cn`;
	const [row] = await db()
		.insert(users)
		.values({
			email,
			passwordHash: 'x',
			displayName: over.displayName ?? `${role} ${n}`,
			role,
			orgId
		})
		.returning({ id: users.id });
	const session = await createSession(row!.id);
	const v = await validateSessionToken(session.token);
	return {
		userId: row!.id,
		orgId,
		email,
		token: session.token,
		user: v!.user,
		principal: sessionPrincipal(v!.user)
	};
}
