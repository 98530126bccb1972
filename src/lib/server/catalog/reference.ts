// Catalog reference data: the category tree and the brands lots are checked against.
import { asc } from 'drizzle-orm';
import { db, type DbOrTx } from '../db';
import { brands, categories, type Category } from '../db/schema';

export interface CategoryNode {
	id: string;
	path: string;
	depth: number;
	nameZh: string;
	nameEn: string;
	attributes: Category['attributes'];
	isLeaf: boolean;
	parentPath: string | null;
}

/** Every category in tree order (parents before children). */
export async function listCategories(tx: DbOrTx = db()): Promise<CategoryNode[]> {
	const rows = await tx
		.select()
		.from(categories)
		.orderBy(asc(categories.position), asc(categories.path));
	const parents = new Set(rows.map((r) => r.parentId).filter(Boolean));
	return rows.map((r) => ({
		id: r.id,
		path: r.path,
		depth: r.depth,
		nameZh: r.nameZh,
		nameEn: r.nameEn,
		attributes: r.attributes,
		isLeaf: !parents.has(r.id),
		parentPath: r.path.includes('/') ? r.path.slice(0, r.path.lastIndexOf('/')) : null
	}));
}

export async function listBrands(tx: DbOrTx = db()) {
	return tx
		.select({ id: brands.id, name: brands.name, nameEn: brands.nameEn })
		.from(brands)
		.orderBy(asc(brands.name));
}
