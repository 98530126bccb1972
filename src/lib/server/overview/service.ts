import { and, count, desc, eq, sql } from 'drizzle-orm';
import { db } from '../db';
import { lots, orgs, suppliers, users } from '../db/schema';

/** Read-only figures for the area home pages. */
export async function supplierOverview(orgId: string) {
	const [sup] = await db().select().from(suppliers).where(eq(suppliers.orgId, orgId)).limit(1);
	const [counts] = await db()
		.select({
			total: count(),
			active: sql<number>`count(*) filter (where ${lots.status} = 'active')`.mapWith(Number)
		})
		.from(lots)
		.where(eq(lots.supplierId, orgId));
	return {
		status: sup?.status ?? 'pending',
		total: counts?.total ?? 0,
		active: counts?.active ?? 0
	};
}

export async function newestLots(limit = 24) {
	return db()
		.select({
			id: lots.id,
			title: lots.title,
			grade: lots.grade,
			unitPriceFen: lots.unitPriceFen,
			tagPriceFen: lots.tagPriceFen,
			moq: lots.moq,
			province: lots.warehouseProvince,
			city: lots.warehouseCity,
			supplier: orgs.name
		})
		.from(lots)
		.innerJoin(suppliers, eq(suppliers.orgId, lots.supplierId))
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.where(and(eq(lots.status, 'active'), eq(suppliers.status, 'admitted')))
		.orderBy(desc(lots.seq))
		.limit(limit);
}

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
