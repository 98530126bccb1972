import { count, eq } from 'drizzle-orm';
import { db } from '../db';
import { lots, orgs, suppliers, users } from '../db/schema';

/** Read-only figures for the operator's home page. */
export async function platformOverview() {
	const byRole = await db()
		.select({ role: users.role, n: count() })
		.from(users)
		.groupBy(users.role);
	const bySupplierStatus = await db()
		.select({ status: suppliers.status, n: count() })
		.from(suppliers)
		.groupBy(suppliers.status);
	const [lotCount] = await db().select({ n: count() }).from(lots);
	const pending = await db()
		.select({
			orgId: suppliers.orgId,
			name: orgs.name,
			province: suppliers.province,
			city: suppliers.city
		})
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.where(eq(suppliers.status, 'pending'));
	return { byRole, bySupplierStatus, lots: lotCount?.n ?? 0, pending };
}
