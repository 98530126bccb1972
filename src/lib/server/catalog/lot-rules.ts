// Lot rules: a lot's draft (create or patch merged onto the lot), the checks it must pass and the
// columns derived from it. Shared by the single-lot writes (lots.ts) and the sheet import.
import { bpToPercentString, fenToYuanString } from '$lib/domain/money';
import type { Grade, Policy } from '$lib/domain/policy';
import { checkBand, deriveLotFields, priceFromDiscount } from '$lib/domain/pricing';
import { buildSearchText, searchGrams } from '$lib/domain/search-text';
import { db, type DbOrTx } from '../db';
import type { Lot } from '../db/schema';
import { AppError } from '../errors';
import { currentPolicy } from '../platform/policy';
import { listBrands, listCategories, type CategoryNode } from './reference';
import type { LotCreateInput, LotPatchInput } from './schemas';

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
		currentPolicy(),
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

function issueError(i: Issue, all?: Issue[]): AppError {
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

export function throwIssues(issues: Issue[]): never {
	// Field-type problems (400) first, then rule breaks (422).
	const first = issues.find((i) => i.kind === 'invalid') ?? issues[0]!;
	if (first.code === 'forbidden')
		throw new AppError('forbidden', 'forbidden', first.message, { field: first.field });
	throw issueError(first, issues);
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
