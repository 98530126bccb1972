import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { bpToPercentString, fenToYuanString } from '$lib/domain/money';
import type { Grade, Policy } from '$lib/domain/policy';
import { checkBand, deriveLotFields, discountBp, priceFromDiscount } from '$lib/domain/pricing';
import { buildSearchText, searchGrams } from '$lib/domain/search-text';
import { db, type DbOrTx } from '../db';
import {
	brands,
	categories,
	lotMedia,
	lots,
	orgs,
	supplierDocuments,
	suppliers,
	type Category,
	type Lot
} from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { publishStock } from '../realtime/stock';
import type { Principal } from '../auth/principal';
import { isOperator, requireOperator } from './actor';
export { createSupplierProfile } from './profile';
import { currentPolicy } from './policy';
import {
	BlockInput,
	LotCreateInput,
	LotPatchInput,
	SupplierProfileInput,
	SupplierStatusInput
} from './schemas';
import { EXT_BY_MIME, mediaStorage, mediaUrl, sniffMime } from './storage';
import { isUuid } from '../ids';

// ------------------------------------------------------------------ reference data

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

// ------------------------------------------------------------------ suppliers

export async function getSupplier(orgId: string, tx: DbOrTx = db()) {
	const [row] = await tx
		.select({
			orgId: suppliers.orgId,
			name: orgs.name,
			type: suppliers.type,
			status: suppliers.status,
			province: suppliers.province,
			city: suppliers.city,
			description: suppliers.description,
			statusReason: suppliers.statusReason,
			statusChangedAt: suppliers.statusChangedAt,
			createdAt: suppliers.createdAt
		})
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.where(eq(suppliers.orgId, orgId))
		.limit(1);
	return row ?? null;
}

/** Operator: every supplier with its lot counts and documents, pending first. */
export async function listSuppliers(actor: Principal) {
	requireOperator(actor);
	const rows = await db()
		.select({
			orgId: suppliers.orgId,
			name: orgs.name,
			type: suppliers.type,
			status: suppliers.status,
			province: suppliers.province,
			city: suppliers.city,
			statusReason: suppliers.statusReason,
			createdAt: suppliers.createdAt,
			lots: sql<number>`(select count(*) from ${lots} where ${lots.supplierId} = ${suppliers.orgId})`.mapWith(
				Number
			),
			documents:
				sql<number>`(select count(*) from ${supplierDocuments} where ${supplierDocuments.supplierId} = ${suppliers.orgId})`.mapWith(
					Number
				)
		})
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.orderBy(
			sql`case ${suppliers.status} when 'pending' then 0 when 'admitted' then 1 else 2 end`,
			asc(orgs.name)
		);
	return rows;
}

/** Operator: admit, block or send back to review. Blocking hides all the supplier's lots. */
export async function setSupplierStatus(actor: Principal, orgId: string, raw: unknown) {
	requireOperator(actor);
	const input = parse(SupplierStatusInput, raw);
	if (input.status === 'blocked' && !input.reason)
		throw new AppError('invalid', 'invalid_input', 'lot.err.reason', { field: 'reason' });
	const rows = await db()
		.update(suppliers)
		.set({
			status: input.status,
			statusReason: input.reason ?? null,
			statusChangedBy: actor.userId,
			statusChangedAt: new Date()
		})
		.where(eq(suppliers.orgId, orgId))
		.returning({ orgId: suppliers.orgId });
	if (rows.length === 0) throw notFound('Supplier');
}

export async function updateSupplierProfile(actor: Principal, raw: unknown) {
	if (actor.role !== 'supplier_staff' || !actor.orgId) throw forbidden('lot.err.supplier_only');
	const input = parse(SupplierProfileInput, raw);
	await db().update(suppliers).set(input).where(eq(suppliers.orgId, actor.orgId));
}

export async function listSupplierDocuments(actor: Principal, orgId: string) {
	if (!isOperator(actor) && actor.orgId !== orgId) throw forbidden();
	const rows = await db()
		.select({
			id: supplierDocuments.id,
			kind: supplierDocuments.kind,
			title: supplierDocuments.title,
			brand: brands.name,
			storageKey: supplierDocuments.storageKey,
			validUntil: supplierDocuments.validUntil,
			createdAt: supplierDocuments.createdAt
		})
		.from(supplierDocuments)
		.leftJoin(brands, eq(brands.id, supplierDocuments.brandId))
		.where(eq(supplierDocuments.supplierId, orgId))
		.orderBy(asc(supplierDocuments.createdAt));
	return rows.map((r) => ({ ...r, url: r.storageKey ? mediaUrl(r.storageKey) : null }));
}

/** A supplier uploads its business licence or a brand authorisation (PDF or image). */
export async function addSupplierDocument(
	actor: Principal,
	input: {
		kind: 'business_license' | 'brand_authorization';
		title: string;
		brandId?: string | null;
		bytes?: Uint8Array;
	}
) {
	if (actor.role !== 'supplier_staff' || !actor.orgId) throw forbidden('lot.err.supplier_only');
	const title = input.title.trim();
	if (!title || title.length > 120)
		throw new AppError('invalid', 'invalid_input', 'lot.err.required', { field: 'title' });
	if (input.kind !== 'business_license' && input.kind !== 'brand_authorization')
		throw new AppError('invalid', 'invalid_input', 'lot.err.document_kind', { field: 'kind' });
	let storageKey: string | null = null;
	if (input.bytes && input.bytes.byteLength > 0) {
		const mime = sniffMime(input.bytes);
		if (!mime || !['application/pdf', 'image/png', 'image/jpeg', 'image/webp'].includes(mime))
			throw new AppError('invalid', 'unsupported_media', 'lot.err.document_type', {
				field: 'file'
			});
		if (input.bytes.byteLength > 20 * 1024 * 1024)
			throw new AppError('invalid', 'too_large', 'lot.err.file_too_large', { field: 'file' });
		storageKey = `suppliers/${actor.orgId}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[mime]}`;
		await mediaStorage().put(storageKey, input.bytes, mime);
	}
	const [row] = await db()
		.insert(supplierDocuments)
		.values({
			supplierId: actor.orgId,
			kind: input.kind,
			title,
			brandId: input.brandId || null,
			storageKey
		})
		.returning({ id: supplierDocuments.id });
	return { id: row!.id };
}

// ------------------------------------------------------------------ lots: validation and derivation

/** Every user-set field of a lot after defaults and merging. */
export interface LotDraft {
	title: string;
	supplierSku: string | null;
	description: string;
	categoryId: string;
	brandId: string | null;
	source: Lot['source'];
	grade: Grade;
	defectDescription: string | null;
	tagPriceFen: number;
	unitPriceFen: number;
	moq: number;
	onHand: number;
	sizeBreakdown: Record<string, number>;
	attributes: Record<string, string>;
	warehouseProvince: string;
	warehouseCity: string;
	talkingPoints: string;
	dropshipAllowed: boolean;
	commissionBp: number;
	status: Lot['status'];
	priceOverride: boolean;
}

export interface Issue {
	kind: 'invalid' | 'rule';
	code: string;
	field: string;
	message: string;
	params?: Record<string, string | number>;
}

/** Reference data a batch of lots is checked against (loaded once per request or import). */
export interface LotContext {
	policy: Policy;
	categoriesById: Map<string, CategoryNode>;
	categoriesByPath: Map<string, CategoryNode>;
	brandsById: Map<string, { id: string; name: string; nameEn: string }>;
}

export async function loadLotContext(tx: DbOrTx = db()): Promise<LotContext> {
	const [policy, cats, brandRows] = await Promise.all([
		currentPolicy(tx),
		listCategories(tx),
		listBrands(tx)
	]);
	return {
		policy,
		categoriesById: new Map(cats.map((c) => [c.id, c])),
		categoriesByPath: new Map(cats.map((c) => [c.path, c])),
		brandsById: new Map(brandRows.map((b) => [b.id, b]))
	};
}

const pct = (bp: number) => `${bpToPercentString(bp)}%`;

/** The rules a lot must satisfy beyond its field types (domain bands, defects, attributes). */
export function checkDraft(d: LotDraft, ctx: LotContext): Issue[] {
	const issues: Issue[] = [];
	const cat = ctx.categoriesById.get(d.categoryId);
	if (!cat)
		issues.push({
			kind: 'invalid',
			code: 'invalid_input',
			field: 'categoryId',
			message: 'lot.err.category'
		});
	else if (!cat.isLeaf)
		issues.push({
			kind: 'invalid',
			code: 'invalid_input',
			field: 'categoryId',
			message: 'lot.err.category_leaf'
		});
	if (d.brandId && !ctx.brandsById.has(d.brandId))
		issues.push({
			kind: 'invalid',
			code: 'invalid_input',
			field: 'brandId',
			message: 'lot.err.brand'
		});
	if (d.grade !== 'A' && !(d.defectDescription ?? '').trim())
		issues.push({
			kind: 'rule',
			code: 'defect_required',
			field: 'defectDescription',
			message: 'lot.err.defect_required',
			params: { grade: d.grade }
		});
	if (cat) {
		const defs = new Map(cat.attributes.map((a) => [a.key, a]));
		for (const [k, v] of Object.entries(d.attributes)) {
			const def = defs.get(k);
			if (!def || !def.options.some((o) => o.value === v))
				issues.push({
					kind: 'invalid',
					code: 'invalid_input',
					field: `attributes.${k}`,
					message: 'lot.err.attribute',
					params: { key: k }
				});
		}
	}
	if (!d.priceOverride) {
		const band = checkBand(d.grade, d.tagPriceFen, d.unitPriceFen, ctx.policy);
		if (!band.ok)
			issues.push({
				kind: 'rule',
				code: 'price_out_of_band',
				field: 'unitPriceFen',
				message: 'lot.err.price_band',
				params: {
					grade: d.grade,
					minPct: pct(band.band.minBp),
					maxPct: pct(band.band.maxBp),
					min: `¥${fenToYuanString(band.minPriceFen)}`,
					max: `¥${fenToYuanString(band.maxPriceFen)}`,
					price: `¥${fenToYuanString(d.unitPriceFen)}`
				}
			});
	}
	const m = ctx.policy.money;
	if (d.commissionBp < m.commissionMinBp || d.commissionBp > m.commissionMaxBp)
		issues.push({
			kind: 'rule',
			code: 'commission_out_of_range',
			field: 'commissionBp',
			message: 'lot.err.commission',
			params: { min: pct(m.commissionMinBp), max: pct(m.commissionMaxBp) }
		});
	return issues;
}

export function issueError(i: Issue, all?: Issue[]): AppError {
	const details =
		i.code === 'price_out_of_band' && i.params
			? { band: { grade: i.params.grade, min: i.params.min, max: i.params.max } }
			: undefined;
	return new AppError(i.kind, i.code, i.message, {
		field: i.field,
		params: i.params,
		details,
		issues:
			all && all.length > 1 ? all.map((x) => ({ field: x.field, message: x.message })) : undefined
	});
}

/** Columns derived from the draft at each write: scenarios, size profile, search text. */
export function derivedColumns(
	d: LotDraft,
	ctx: LotContext,
	extra: { hasDefectVideo: boolean; supplierName: string }
) {
	const cat = ctx.categoriesById.get(d.categoryId)!;
	const names: string[] = [];
	for (let p: string | null = cat.path; p;) {
		const c = ctx.categoriesByPath.get(p);
		if (!c) break;
		names.unshift(c.nameZh, c.nameEn);
		p = c.parentPath;
	}
	const brand = d.brandId ? ctx.brandsById.get(d.brandId) : undefined;
	const searchText = buildSearchText({
		title: d.title,
		brand: brand?.name,
		brandEn: brand?.nameEn,
		categoryNames: [...names, extra.supplierName],
		description: d.description,
		defectDescription: d.defectDescription
	});
	const derived = deriveLotFields(
		{
			grade: d.grade,
			unitPriceFen: d.unitPriceFen,
			sizeBreakdown: d.sizeBreakdown,
			hasDefectVideo: extra.hasDefectVideo,
			talkingPoints: d.talkingPoints
		},
		ctx.policy
	);
	return {
		categoryPath: cat.path,
		hasDefectVideo: extra.hasDefectVideo,
		scenarios: derived.scenarios,
		largeSizeBp: derived.largeSizeBp,
		sizeProfile: derived.sizeProfile,
		searchText,
		searchGrams: searchGrams(searchText)
	};
}

/** Resolves a create input (with its alternatives: categoryPath, discountBp) into a draft. */
export function draftFromCreate(
	input: LotCreateInput,
	ctx: LotContext,
	supplier: { province: string; city: string },
	operator: boolean
): { draft: LotDraft; issues: Issue[] } {
	const issues: Issue[] = [];
	let categoryId = input.categoryId;
	if (!categoryId && input.categoryPath)
		categoryId = ctx.categoriesByPath.get(input.categoryPath)?.id;
	if (!categoryId)
		issues.push({
			kind: 'invalid',
			code: 'invalid_input',
			field: input.categoryPath ? 'categoryPath' : 'categoryId',
			message: 'lot.err.category'
		});
	let unitPriceFen = input.unitPriceFen;
	if (unitPriceFen === undefined && input.discountBp !== undefined)
		unitPriceFen = Math.max(1, priceFromDiscount(input.tagPriceFen, input.discountBp));
	if (unitPriceFen === undefined)
		issues.push({
			kind: 'invalid',
			code: 'invalid_input',
			field: 'unitPriceFen',
			message: 'lot.err.price_required'
		});
	if (input.priceOverride !== undefined && !operator)
		issues.push({
			kind: 'invalid',
			code: 'forbidden',
			field: 'priceOverride',
			message: 'lot.err.operator_only'
		});
	const draft: LotDraft = {
		title: input.title,
		supplierSku: input.supplierSku?.trim() || null,
		description: input.description ?? '',
		categoryId: categoryId ?? '',
		brandId: input.brandId ?? null,
		source: input.source,
		grade: input.grade,
		defectDescription: input.defectDescription?.trim() ? input.defectDescription.trim() : null,
		tagPriceFen: input.tagPriceFen,
		unitPriceFen: unitPriceFen ?? 0,
		moq: input.moq,
		onHand: input.onHand,
		sizeBreakdown: input.sizeBreakdown ?? {},
		attributes: input.attributes ?? {},
		warehouseProvince: input.warehouseProvince ?? supplier.province,
		warehouseCity: input.warehouseCity ?? supplier.city,
		talkingPoints: input.talkingPoints ?? '',
		dropshipAllowed: input.dropshipAllowed ?? true,
		commissionBp: input.commissionBp ?? ctx.policy.money.defaultCommissionBp,
		status: input.status ?? 'active',
		priceOverride: operator ? (input.priceOverride ?? false) : false
	};
	if (issues.length === 0) issues.push(...checkDraft(draft, ctx));
	return { draft, issues };
}

/** The supplier a write is for, and whether it may write at all. */
async function writableSupplier(tx: DbOrTx, actor: Principal, supplierId: string | undefined) {
	let orgId: string;
	if (isOperator(actor)) {
		if (!supplierId)
			throw new AppError('invalid', 'invalid_input', 'lot.err.supplier_required', {
				field: 'supplierId'
			});
		orgId = supplierId;
	} else if (actor.role === 'supplier_staff' && actor.orgId) {
		if (supplierId && supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
		orgId = actor.orgId;
	} else throw forbidden('lot.err.supplier_only');
	const sup = await getSupplier(orgId, tx);
	if (!sup) {
		if (isOperator(actor)) throw notFound('Supplier', 'supplierId');
		throw forbidden('lot.err.no_supplier_profile');
	}
	if (sup.status === 'blocked' && !isOperator(actor)) throw forbidden('lot.err.supplier_blocked');
	return sup;
}

function throwIssues(issues: Issue[]): never {
	// Field-type problems (400) first, then rule breaks (422).
	const first = issues.find((i) => i.kind === 'invalid') ?? issues[0]!;
	if (first.code === 'forbidden')
		throw new AppError('forbidden', 'forbidden', first.message, { field: first.field });
	throw issueError(first, issues);
}

// ------------------------------------------------------------------ lots: writes

export async function createLot(actor: Principal, raw: unknown): Promise<LotDetail> {
	const input = parse(LotCreateInput, raw);
	const id = await db()
		.transaction(async (tx) => {
			const sup = await writableSupplier(tx, actor, input.supplierId);
			const ctx = await loadLotContext(tx);
			const { draft, issues } = draftFromCreate(input, ctx, sup, isOperator(actor));
			if (issues.length) throwIssues(issues);
			const [row] = await tx
				.insert(lots)
				.values({
					...draft,
					supplierId: sup.orgId,
					...derivedColumns(draft, ctx, { hasDefectVideo: false, supplierName: sup.name })
				})
				.returning({ id: lots.id });
			return row!.id;
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	return (await getLot(actor, id))!;
}

const PRICE_FIELDS = ['unitPriceFen', 'tagPriceFen', 'discountBp', 'grade'] as const;

/**
 * A lot after a patch: the draft every rule is checked on. Throws for what the patch may not do
 * at all (a supplier setting a price override, a blocked lot's status, an unknown category).
 */
export function draftFromPatch(
	lot: Lot,
	patch: LotPatchInput,
	ctx: LotContext,
	operator: boolean
): LotDraft {
	if (patch.priceOverride !== undefined && !operator)
		throw new AppError('forbidden', 'forbidden', 'lot.err.operator_only', {
			field: 'priceOverride'
		});
	if (lot.status === 'blocked' && patch.status !== undefined && !operator)
		throw new AppError('conflict', 'lot_blocked', 'lot.err.lot_blocked', {
			field: 'status',
			params: { reason: lot.statusReason ?? '' }
		});
	let categoryId = patch.categoryId ?? lot.categoryId;
	if (!patch.categoryId && patch.categoryPath) {
		const c = ctx.categoriesByPath.get(patch.categoryPath);
		if (!c)
			throw new AppError('invalid', 'invalid_input', 'lot.err.category', {
				field: 'categoryPath'
			});
		categoryId = c.id;
	}
	const tag = patch.tagPriceFen ?? lot.tagPriceFen;
	let unit = patch.unitPriceFen ?? lot.unitPriceFen;
	if (patch.unitPriceFen === undefined && patch.discountBp !== undefined)
		unit = Math.max(1, priceFromDiscount(tag, patch.discountBp));
	const priceTouched = PRICE_FIELDS.some((f) => patch[f] !== undefined);
	return {
		title: patch.title ?? lot.title,
		supplierSku:
			patch.supplierSku !== undefined ? patch.supplierSku?.trim() || null : lot.supplierSku,
		description: patch.description ?? lot.description,
		categoryId,
		brandId: patch.brandId !== undefined ? patch.brandId : lot.brandId,
		source: patch.source ?? lot.source,
		grade: patch.grade ?? lot.grade,
		defectDescription:
			patch.defectDescription !== undefined
				? patch.defectDescription?.trim() || null
				: lot.defectDescription,
		tagPriceFen: tag,
		unitPriceFen: unit,
		moq: patch.moq ?? lot.moq,
		onHand: patch.onHand ?? lot.onHand,
		sizeBreakdown: patch.sizeBreakdown ?? lot.sizeBreakdown,
		attributes: patch.attributes ?? (categoryId === lot.categoryId ? lot.attributes : {}),
		warehouseProvince: patch.warehouseProvince ?? lot.warehouseProvince,
		warehouseCity: patch.warehouseCity ?? lot.warehouseCity,
		talkingPoints: patch.talkingPoints ?? lot.talkingPoints,
		dropshipAllowed: patch.dropshipAllowed ?? lot.dropshipAllowed,
		commissionBp: patch.commissionBp ?? lot.commissionBp,
		status: patch.status ?? lot.status,
		// An operator's allowance is for the price it saw; a supplier's new price is checked again.
		priceOverride: operator
			? (patch.priceOverride ?? lot.priceOverride)
			: priceTouched
				? false
				: lot.priceOverride
	};
}

/** The stock problem of setting a lot's on-hand count, if any: never below what is reserved. */
export function stockIssue(lot: Pick<Lot, 'locked' | 'allocated'>, onHand: number): Issue | null {
	const reserved = lot.locked + lot.allocated;
	if (onHand >= reserved) return null;
	return {
		kind: 'rule',
		code: 'stock_below_reserved',
		field: 'onHand',
		message: 'lot.err.stock_below_reserved',
		params: { reserved, locked: lot.locked, allocated: lot.allocated }
	};
}

/**
 * Writes a changed lot (its row locked `for update` by the caller): the one path by which a
 * supplier's edit, API patch or sheet import changes a lot and its on-hand stock. on_hand never
 * drops below locked + allocated, and a stock change bumps stock_version; the caller publishes
 * the stock of the lots whose on-hand changed (`publishStock`) once its transaction commits.
 * Returns whether on-hand changed.
 */
export async function writeLotDraft(
	tx: DbOrTx,
	lot: Lot,
	draft: LotDraft,
	ctx: LotContext,
	supplierName: string
): Promise<boolean> {
	const stock = stockIssue(lot, draft.onHand);
	if (stock)
		throw new AppError('conflict', stock.code, stock.message, {
			field: stock.field,
			params: stock.params
		});
	const onHandChanged = draft.onHand !== lot.onHand;
	await tx
		.update(lots)
		.set({
			...draft,
			...derivedColumns(draft, ctx, {
				hasDefectVideo: lot.hasDefectVideo,
				supplierName
			}),
			updatedAt: new Date(),
			...(onHandChanged ? { stockVersion: sql`${lots.stockVersion} + 1` } : {})
		})
		.where(eq(lots.id, lot.id));
	return onHandChanged;
}

/** A supplier code another lot of the same supplier already has: 409 naming the field. */
export function skuTaken(e: unknown): AppError | null {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur; i++) {
		const c = cur as {
			code?: unknown;
			cause?: unknown;
			constraint_name?: unknown;
			constraint?: unknown;
		};
		const constraint = String(c.constraint_name ?? c.constraint ?? '');
		if (c.code === '23505' && constraint.includes('supplier_sku'))
			return new AppError('conflict', 'sku_taken', 'lot.err.sku_taken', { field: 'supplierSku' });
		cur = c.cause;
	}
	return null;
}

export async function updateLot(actor: Principal, id: string, raw: unknown): Promise<LotDetail> {
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const patch = parse(LotPatchInput, raw);
	const operator = isOperator(actor);
	const stockChanged = await db()
		.transaction(async (tx) => {
			const [lot] = await tx.select().from(lots).where(eq(lots.id, id)).for('update').limit(1);
			if (!lot) throw notFound('Lot', 'id');
			if (!operator) {
				if (actor.role !== 'supplier_staff') throw forbidden('lot.err.supplier_only');
				if (lot.supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
			}
			const sup = await writableSupplier(tx, actor, lot.supplierId);
			const ctx = await loadLotContext(tx);
			const draft = draftFromPatch(lot, patch, ctx, operator);
			const issues = checkDraft(draft, ctx);
			if (issues.length) throwIssues(issues);
			return writeLotDraft(tx, lot, draft, ctx, sup.name);
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	if (stockChanged) await publishStock([id]);
	return (await getLot(actor, id))!;
}

/** Operator: block a lot (e.g. counterfeit suspicion); it leaves the catalog at once. */
export async function blockLot(actor: Principal, id: string, raw: unknown): Promise<void> {
	requireOperator(actor);
	const { reason } = parse(BlockInput, raw);
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const rows = await db()
		.update(lots)
		.set({
			status: 'blocked',
			statusReason: reason,
			blockedBy: actor.userId,
			blockedAt: new Date(),
			updatedAt: new Date()
		})
		.where(eq(lots.id, id))
		.returning({ id: lots.id });
	if (rows.length === 0) throw notFound('Lot', 'id');
}

/** Operator: lift a block; the lot goes back on sale. */
export async function unblockLot(actor: Principal, id: string): Promise<void> {
	requireOperator(actor);
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const rows = await db()
		.update(lots)
		.set({
			status: 'active',
			statusReason: null,
			blockedBy: null,
			blockedAt: null,
			updatedAt: new Date()
		})
		.where(and(eq(lots.id, id), eq(lots.status, 'blocked')))
		.returning({ id: lots.id });
	if (rows.length === 0) throw notFound('Lot', 'id');
}

// ------------------------------------------------------------------ lots: reads

export { isUuid };

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
function maySee(actor: Principal, lot: { visible: boolean; supplierId: string }): boolean {
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

// ------------------------------------------------------------------ media

/**
 * Adds a photo or the defect video to a lot. The type comes from the bytes, not the name;
 * has_defect_video and the scenario tags are derived again in the same transaction.
 */
export async function addLotMedia(
	actor: Principal,
	lotId: string,
	input: { kind: 'photo' | 'defect_video'; bytes: Uint8Array }
): Promise<MediaItem> {
	if (!isUuid(lotId)) throw notFound('Lot', 'id');
	const policy = await currentPolicy();
	const mime = sniffMime(input.bytes);
	const photo = input.kind === 'photo';
	const allowed = photo ? ['image/png', 'image/jpeg', 'image/webp'] : ['video/webm', 'video/mp4'];
	if (!mime || !allowed.includes(mime))
		throw new AppError(
			'invalid',
			'unsupported_media',
			photo ? 'lot.err.photo_type' : 'lot.err.video_type',
			{
				field: 'file'
			}
		);
	const max = photo ? policy.catalog.photoMaxBytes : policy.catalog.videoMaxBytes;
	if (input.bytes.byteLength > max)
		throw new AppError('invalid', 'too_large', 'lot.err.file_too_large', {
			field: 'file',
			params: { mb: Math.round(max / 1024 / 1024) }
		});
	const key = `lots/${lotId}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[mime]}`;
	await mediaStorage().put(key, input.bytes, mime);
	try {
		return await db().transaction(async (tx) => {
			const lot = await ownedLotForUpdate(tx, actor, lotId);
			const existing = await tx
				.select({ id: lotMedia.id, position: lotMedia.position })
				.from(lotMedia)
				.where(and(eq(lotMedia.lotId, lotId), eq(lotMedia.kind, input.kind)));
			if (photo && existing.length >= policy.catalog.photosPerLot)
				throw new AppError('rule', 'too_many_photos', 'lot.err.too_many_photos', {
					field: 'file',
					params: { n: policy.catalog.photosPerLot }
				});
			const position = existing.reduce((m, e) => Math.max(m, e.position + 1), 0);
			const [m] = await tx
				.insert(lotMedia)
				.values({
					lotId,
					kind: input.kind,
					storageKey: key,
					mime,
					bytes: input.bytes.byteLength,
					position
				})
				.returning();
			await rederive(tx, lot, policy);
			return { id: m!.id, kind: m!.kind, mime, bytes: m!.bytes, position, url: mediaUrl(key) };
		});
	} catch (e) {
		await mediaStorage()
			.delete(key)
			.catch(() => {});
		throw e;
	}
}

export async function removeLotMedia(
	actor: Principal,
	lotId: string,
	mediaId: string
): Promise<void> {
	if (!isUuid(lotId) || !isUuid(mediaId)) throw notFound('Media', 'id');
	const policy = await currentPolicy();
	const key = await db().transaction(async (tx) => {
		const lot = await ownedLotForUpdate(tx, actor, lotId);
		const [m] = await tx
			.delete(lotMedia)
			.where(and(eq(lotMedia.id, mediaId), eq(lotMedia.lotId, lotId)))
			.returning({ storageKey: lotMedia.storageKey });
		if (!m) throw notFound('Media', 'id');
		await rederive(tx, lot, policy);
		return m.storageKey;
	});
	await mediaStorage().delete(key);
}

async function ownedLotForUpdate(tx: DbOrTx, actor: Principal, lotId: string): Promise<Lot> {
	const [lot] = await tx.select().from(lots).where(eq(lots.id, lotId)).for('update').limit(1);
	if (!lot) throw notFound('Lot', 'id');
	if (!isOperator(actor)) {
		if (actor.role !== 'supplier_staff') throw forbidden('lot.err.supplier_only');
		if (lot.supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
		await writableSupplier(tx, actor, lot.supplierId);
	}
	return lot;
}

/** Recomputes has_defect_video and the scenario tags from the media rows and the lot. */
async function rederive(tx: DbOrTx, lot: Lot, policy: Policy): Promise<void> {
	const [v] = await tx
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(lotMedia)
		.where(and(eq(lotMedia.lotId, lot.id), eq(lotMedia.kind, 'defect_video')));
	const hasDefectVideo = (v?.n ?? 0) > 0;
	const d = deriveLotFields({ ...lot, hasDefectVideo }, policy);
	await tx
		.update(lots)
		.set({ hasDefectVideo, scenarios: d.scenarios, updatedAt: new Date() })
		.where(eq(lots.id, lot.id));
}

/**
 * A media file for the /media route, if this actor may see it: lot media follow the lot's
 * visibility; supplier documents only their supplier and operators.
 */
export async function openMedia(actor: Principal, key: string) {
	const [m] = await db()
		.select({
			mime: lotMedia.mime,
			supplierId: lots.supplierId,
			visible: sql<boolean>`${visibleSql}`
		})
		.from(lotMedia)
		.innerJoin(lots, eq(lots.id, lotMedia.lotId))
		.where(eq(lotMedia.storageKey, key))
		.limit(1);
	let mime: string | null = null;
	if (m && maySee(actor, { visible: Boolean(m.visible), supplierId: m.supplierId })) mime = m.mime;
	if (!m) {
		const [d] = await db()
			.select({ supplierId: supplierDocuments.supplierId })
			.from(supplierDocuments)
			.where(eq(supplierDocuments.storageKey, key))
			.limit(1);
		if (d && (isOperator(actor) || actor.orgId === d.supplierId)) mime = sniffMimeFromKey(key);
	}
	if (!mime) throw notFound('Media');
	const file = await mediaStorage().get(key);
	if (!file) throw notFound('Media');
	return { ...file, mime };
}

function sniffMimeFromKey(key: string): string {
	const ext = key.slice(key.lastIndexOf('.') + 1);
	return Object.entries(EXT_BY_MIME).find(([, e]) => e === ext)?.[0] ?? 'application/octet-stream';
}
