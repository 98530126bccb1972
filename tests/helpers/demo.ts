import { eq } from 'drizzle-orm';
import { signIn } from '../../src/lib/server/auth/service';
import { validateSessionToken } from '../../src/lib/server/auth/session';
import type { Actor } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/demo';

/** Signs in a demo account and returns its session token and actor. */
export async function demoActor(
	email: string
): Promise<{ token: string; actor: Actor & { kind: 'user' } }> {
	const s = await signIn({ email, password: DEMO_PASSWORD });
	const v = await validateSessionToken(s.token);
	return { token: s.token, actor: { kind: 'user', user: v!.user } };
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
