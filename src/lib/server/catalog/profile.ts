import type { DbOrTx } from '../db';
import { suppliers } from '../db/schema';

// Kept apart from suppliers.ts and lots.ts so sign-up can import it without pulling in the realtime
// modules (auth → catalog/lots → realtime → auth would be an import cycle).

/**
 * The supplier profile of a new supplier organisation, waiting for admission. Called by sign-up
 * inside its transaction, so a supplier account never exists without its profile.
 */
export async function createSupplierProfile(
	tx: DbOrTx,
	orgId: string,
	fields: { province?: string; city?: string; description?: string } = {}
): Promise<void> {
	await tx
		.insert(suppliers)
		.values({ orgId, status: 'pending', ...fields })
		.onConflictDoNothing({ target: suppliers.orgId });
}
