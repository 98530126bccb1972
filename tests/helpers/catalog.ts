import { eq } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { brands, categories, orgs, users } from '../../src/lib/server/db/schema';
import { setSupplierStatus } from '../../src/lib/server/catalog';
import { DEMO_CATEGORIES } from '../../src/lib/server/seed/demo';
import { makeUser } from './users';
import { type Principal } from '../../src/lib/server/auth/principal';

/** The demo category tree and a few brands (reference data has no service of its own yet). */
export async function seedReferenceData() {
	const ids = new Map<string, string>();
	for (const [position, c] of DEMO_CATEGORIES.entries()) {
		const parentPath = c.path.includes('/') ? c.path.slice(0, c.path.lastIndexOf('/')) : null;
		const [row] = await db()
			.insert(categories)
			.values({
				parentId: parentPath ? ids.get(parentPath)! : null,
				slug: c.path.split('/').pop()!,
				path: c.path,
				depth: c.path.split('/').length - 1,
				nameZh: c.zh,
				nameEn: c.en,
				attributes: c.attributes ?? [],
				position
			})
			.returning({ id: categories.id });
		ids.set(c.path, row!.id);
	}
	const b = await db()
		.insert(brands)
		.values([
			{ name: '衣尚', nameEn: 'Yishang' },
			{ name: '步云', nameEn: 'Buyun' },
			{ name: '小熊童年', nameEn: 'BearKids' }
		])
		.returning();
	return {
		category: (path: string) => ids.get(path)!,
		brand: (name: string) => b.find((x) => x.name === name)!.id
	};
}

let ops = 0;
/** A platform operator (operators are never self-signed-up). */
export async function makeOperator(): Promise<Principal> {
	ops++;
	const [org] = await db()
		.insert(orgs)
		.values({ kind: 'platform', name: `平台 ${ops}` })
		.returning();
	const [u] = await db()
		.insert(users)
		.values({
			email: `ops-${ops}-${Math.random().toString(36).slice(2, 7)}@test.lotlive.cn`,
			passwordHash: 'x',
			displayName: '运营',
			role: 'operator',
			orgId: org!.id
		})
		.returning();
	return {
		source: 'session',
		userId: u!.id,
		tokenId: null,
		role: 'operator',
		orgId: org!.id,
		orgKind: 'platform',
		locale: 'zh-CN'
	};
}

/** A supplier signed up and admitted by the operator. */
export async function makeAdmittedSupplier(operator: Principal, orgName?: string) {
	const s = await makeUser('supplier_staff', orgName ? { orgName } : {});
	await setSupplierStatus(operator, s.orgId, { status: 'admitted' });
	return s;
}

export async function userIdByEmail(email: string) {
	const [u] = await db().select({ id: users.id }).from(users).where(eq(users.email, email));
	return u!.id;
}
