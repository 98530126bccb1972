import { eq } from 'drizzle-orm';
import { signIn } from '../../src/lib/server/auth/service';
import { validateSessionToken, type SessionUser } from '../../src/lib/server/auth/session';
import { db } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/demo';
import { sessionPrincipal, type Principal } from '../../src/lib/server/auth/principal';

/** Signs in a demo account and returns its session token and actor. */
export async function demoActor(
	email: string
): Promise<{ token: string; actor: Principal; user: SessionUser }> {
	const s = await signIn({ email, password: DEMO_PASSWORD });
	const v = await validateSessionToken(s.token);
	return { token: s.token, actor: sessionPrincipal(v!.user), user: v!.user };
}

/** Demo lots that are active and dropshippable, with their stock set for a test. */
export async function stockedLots(n: number, onHand: number) {
	const rows = await db()
		.select({ id: lots.id })
		.from(lots)
		.where(eq(lots.dropshipAllowed, true))
		.orderBy(lots.seq)
		.limit(n);
	for (const r of rows) {
		await db()
			.update(lots)
			.set({ onHand, locked: 0, allocated: 0, status: 'active' })
			.where(eq(lots.id, r.id));
	}
	return rows.map((r) => r.id);
}
