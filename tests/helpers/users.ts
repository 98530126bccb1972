import { signIn, signUp } from '../../src/lib/server/auth/service';
import { validateSessionToken } from '../../src/lib/server/auth/session';

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
	return { userId, orgId, email, password, token: session.token, user: v!.user };
}
