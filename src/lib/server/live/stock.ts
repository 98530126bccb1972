import { and, eq, or } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { lots } from '../db/schema';
import { notFound } from '../errors';
import { isUuid } from '../ids';

/** A lot's stock counters: active lots for anyone signed in, any lot for its own supplier. */
export async function lotStock(actor: Principal, lotId: string) {
	if (!isUuid(lotId)) throw notFound('Lot', 'lotId');
	const orgId = actor.orgId;
	const isOperator = actor.role === 'operator';
	const [l] = await db()
		.select({
			id: lots.id,
			onHand: lots.onHand,
			locked: lots.locked,
			allocated: lots.allocated,
			version: lots.stockVersion
		})
		.from(lots)
		.where(
			and(
				eq(lots.id, lotId),
				isOperator ? undefined : or(eq(lots.status, 'active'), eq(lots.supplierId, orgId ?? lotId))
			)
		);
	if (!l) throw notFound('Lot', 'lotId');
	return {
		lotId: l.id,
		onHand: l.onHand,
		locked: l.locked,
		allocated: l.allocated,
		available: l.onHand - l.locked - l.allocated,
		version: Number(l.version)
	};
}
