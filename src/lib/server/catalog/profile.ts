import type { DbOrTx } from '../db';
import { suppliers } from '../db/schema';

/**
 * The supplier profile of a new supplier organisation, waiting for admission. Called inside
 * sign-up's transaction (the catalog's org.created subscriber), so a supplier account never
 * exists without its profile.
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
