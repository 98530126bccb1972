// Lot reads: one lot in full, summaries for other modules, and who may see a lot.
import type { Principal } from '../auth/principal';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Grade } from '$lib/domain/policy';
import { discountBp } from '$lib/domain/pricing';
import { db, type DbOrTx } from '../db';
import { brands, categories, lotMedia, lots, orgs, suppliers, type Lot } from '../db/schema';
import { notFound } from '../errors';
import { isUuid } from '../ids';
import { isOperator } from './actor';
import { mediaUrl } from '../platform/storage';

/** SQL: the lot is in the catalog (active, and its supplier admitted). */
export const visibleSql = sql`(${lots.status} = 'active' and ${lots.supplierId} in (select ${suppliers.orgId} from ${suppliers} where ${suppliers.status} = 'admitted'))`;

export interface MediaItem {
	id: string;
	kind: 'photo' | 'defect_video' | 'document';
	mime: string;
	bytes: number;
	position: number;
	url: string;
}

export type LotDetail = NonNullable<Awaited<ReturnType<typeof readLot>>>;

async function readLot(id: string, tx: DbOrTx = db()) {
	const [row] = await tx
		.select({
			lot: lots,
			supplierName: orgs.name,
			supplierStatus: suppliers.status,
			supplierType: suppliers.type,
			brandName: brands.name,
			brandNameEn: brands.nameEn,
			categoryZh: categories.nameZh,
			categoryEn: categories.nameEn,
			categoryAttributes: categories.attributes
		})
		.from(lots)
		.innerJoin(suppliers, eq(suppliers.orgId, lots.supplierId))
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.innerJoin(categories, eq(categories.id, lots.categoryId))
		.leftJoin(brands, eq(brands.id, lots.brandId))
		.where(eq(lots.id, id))
		.limit(1);
	if (!row) return null;
	const media = await tx
		.select()
		.from(lotMedia)
		.where(eq(lotMedia.lotId, id))
		.orderBy(asc(lotMedia.kind), asc(lotMedia.position));
	const { lot } = row;
	const { searchText: _st, searchGrams: _sg, ...publicLot } = lot;
	return {
		...publicLot,
		discountBp: discountBp(lot.tagPriceFen, lot.unitPriceFen),
		available: lot.onHand - lot.locked - lot.allocated,
		visible: lot.status === 'active' && row.supplierStatus === 'admitted',
		supplier: {
			id: lot.supplierId,
			name: row.supplierName,
			status: row.supplierStatus,
			type: row.supplierType
		},
		brand: lot.brandId
			? { id: lot.brandId, name: row.brandName ?? '', nameEn: row.brandNameEn ?? '' }
			: null,
		category: {
			id: lot.categoryId,
			path: lot.categoryPath,
			nameZh: row.categoryZh,
			nameEn: row.categoryEn,
			attributes: row.categoryAttributes
		},
		media: media.map((m): MediaItem => ({
			id: m.id,
			kind: m.kind,
			mime: m.mime,
			bytes: m.bytes,
			position: m.position,
			url: mediaUrl(m.storageKey)
		}))
	};
}

/** May this actor see this lot? Catalog lots: anyone signed in; otherwise its supplier or an operator. */
export function maySee(actor: Principal, lot: { visible: boolean; supplierId: string }): boolean {
	return lot.visible || isOperator(actor) || (!!actor.orgId && actor.orgId === lot.supplierId);
}

/** One lot with its media, brand, category and supplier; 404 when the actor may not see it. */
export async function getLot(actor: Principal, id: string): Promise<LotDetail> {
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const lot = await readLot(id);
	if (!lot || !maySee(actor, lot)) throw notFound('Lot', 'id');
	return lot;
}

/** What boards, live shows and the catalog show about a lot. */
export interface LotSummary {
	id: string;
	supplierId: string;
	supplierName: string;
	title: string;
	grade: Grade;
	categoryPath: string;
	unitPriceFen: number;
	tagPriceFen: number;
	discountBp: number;
	moq: number;
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	stockVersion: number;
	status: Lot['status'];
	/** In the catalog now: active, and its supplier admitted. */
	visible: boolean;
	scenarios: string[];
	talkingPoints: string;
	defectDescription: string | null;
	hasDefectVideo: boolean;
	dropshipAllowed: boolean;
	commissionBp: number;
	warehouseProvince: string;
	warehouseCity: string;
	sales7d: number;
	repurchaseBp: number;
	/** Buyers in the repurchase window: the count behind the rate. */
	repurchaseBuyers: number;
	photoUrl: string | null;
	defectVideoUrl: string | null;
}

export const summaryColumns = {
	id: lots.id,
	supplierId: lots.supplierId,
	supplierName: orgs.name,
	title: lots.title,
	grade: lots.grade,
	categoryPath: lots.categoryPath,
	unitPriceFen: lots.unitPriceFen,
	tagPriceFen: lots.tagPriceFen,
	moq: lots.moq,
	onHand: lots.onHand,
	locked: lots.locked,
	allocated: lots.allocated,
	stockVersion: lots.stockVersion,
	status: lots.status,
	scenarios: lots.scenarios,
	talkingPoints: lots.talkingPoints,
	defectDescription: lots.defectDescription,
	hasDefectVideo: lots.hasDefectVideo,
	dropshipAllowed: lots.dropshipAllowed,
	commissionBp: lots.commissionBp,
	warehouseProvince: lots.warehouseProvince,
	warehouseCity: lots.warehouseCity,
	sales7d: lots.sales7d,
	repurchaseBp: lots.repurchaseBp,
	repurchaseBuyers: lots.repurchaseBuyers,
	seq: lots.seq,
	visible: sql<boolean>`${visibleSql}`,
	photoKey: sql<
		string | null
	>`(select ${lotMedia.storageKey} from ${lotMedia} where ${lotMedia.lotId} = ${lots.id} and ${lotMedia.kind} = 'photo' order by ${lotMedia.position} limit 1)`,
	videoKey: sql<
		string | null
	>`(select ${lotMedia.storageKey} from ${lotMedia} where ${lotMedia.lotId} = ${lots.id} and ${lotMedia.kind} = 'defect_video' order by ${lotMedia.position} limit 1)`
};

type SummaryRow = { [K in keyof typeof summaryColumns]: unknown } & Record<string, unknown>;

export function toSummary(r: SummaryRow): LotSummary {
	const x = r as unknown as Omit<
		LotSummary,
		'available' | 'discountBp' | 'photoUrl' | 'defectVideoUrl'
	> & {
		photoKey: string | null;
		videoKey: string | null;
		seq: number;
	};
	const { photoKey, videoKey, seq: _seq, ...rest } = x;
	return {
		...rest,
		visible: Boolean(rest.visible),
		discountBp: discountBp(x.tagPriceFen, x.unitPriceFen),
		available: x.onHand - x.locked - x.allocated,
		photoUrl: photoKey ? mediaUrl(photoKey) : null,
		defectVideoUrl: videoKey ? mediaUrl(videoKey) : null
	};
}

/**
 * Summaries of lots by id, in the order asked, for other modules (boards, live shows). Returns
 * blocked or hidden lots too, with `status` and `visible`, so a board can show that a lot it
 * planned has gone; unknown ids are left out. The caller decides who may see what it shows.
 */
export async function getLotSummaries(ids: string[], tx: DbOrTx = db()): Promise<LotSummary[]> {
	const wanted = [...new Set(ids.filter(isUuid))];
	if (wanted.length === 0) return [];
	const rows = await tx
		.select(summaryColumns)
		.from(lots)
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.where(inArray(lots.id, wanted));
	const byId = new Map(rows.map((r) => [r.id, toSummary(r)]));
	return wanted.map((id) => byId.get(id)).filter((x): x is LotSummary => !!x);
}
