import { multilineText, z } from '$lib/server/validation';
import { parseYuan } from '$lib/domain/money';
import { SIZE_PROFILES } from '$lib/domain/pricing';

// Zod schemas for every catalog input. Messages are catalogue keys (lot.err.*), translated for
// the caller at the HTTP edge. The OpenAPI document is generated from these same schemas.

export const LOT_SOURCES = [
	'factory_overrun',
	'season_clearance',
	'wholesaler_stock',
	'ecommerce_return'
] as const;
export const GRADES = ['A', 'B', 'C'] as const;
export const SCENARIOS = ['export', 'stall', 'live_special'] as const;
export const LOT_STATUSES = ['draft', 'active', 'blocked', 'archived'] as const;
/** Statuses a supplier may set; `blocked` belongs to the operator. */
export const SUPPLIER_LOT_STATUSES = ['draft', 'active', 'archived'] as const;
export const SORTS = ['sales', 'repurchase', 'price_asc', 'price_desc', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

const text = (max: number) =>
	z.string({ error: 'lot.err.required' }).trim().max(max, { error: 'lot.err.too_long' });
/** Text that may span lines (descriptions, scripts). */
const para = (max: number) =>
	multilineText({ error: 'lot.err.required' }).trim().max(max, { error: 'lot.err.too_long' });
const fen = z
	.number({ error: 'lot.err.integer_fen' })
	.int({ error: 'lot.err.integer_fen' })
	.min(1, { error: 'lot.err.positive' })
	.max(100_000_000, { error: 'lot.err.too_large' });
const count = (min: number) =>
	z
		.number({ error: 'lot.err.integer' })
		.int({ error: 'lot.err.integer' })
		.min(min, { error: min === 0 ? 'lot.err.not_negative' : 'lot.err.positive' })
		.max(100_000_000, { error: 'lot.err.too_large' });

export const SizeBreakdownSchema = z
	.record(
		z.string().trim().min(1).max(16),
		z
			.number()
			.int({ error: 'lot.err.integer' })
			.min(0, { error: 'lot.err.not_negative' })
			.max(10_000_000)
	)
	.refine((r) => Object.keys(r).length <= 40, { error: 'lot.err.too_many_sizes' })
	.meta({
		description: 'Pieces per size, e.g. {"M": 120, "XL": 300}',
		example: { M: 120, XL: 300 }
	});

const LotFields = {
	title: text(120).min(1, { error: 'lot.err.required' }),
	/** The supplier's own SKU code (货号), unique per supplier; '' or null clears it. */
	supplierSku: text(64)
		.regex(/^[^\s,，;；]*$/, { error: 'lot.err.sku' })
		.nullable()
		.meta({
			description: 'The supplier’s own SKU code, unique per supplier',
			example: 'YS-T-0001'
		}),
	description: para(4000),
	categoryId: z.uuid({ error: 'lot.err.category' }),
	/** Alternative to categoryId: the category's path, e.g. apparel/women/dresses. */
	categoryPath: text(200).min(1, { error: 'lot.err.category' }),
	brandId: z.uuid({ error: 'lot.err.brand' }).nullable(),
	source: z.enum(LOT_SOURCES, { error: 'lot.err.source' }),
	grade: z.enum(GRADES, { error: 'lot.err.grade' }),
	defectDescription: para(500).nullable(),
	tagPriceFen: fen.meta({ description: 'Tag price (吊牌价) in fen' }),
	unitPriceFen: fen.meta({ description: 'Unit price in fen; or give discountBp instead' }),
	discountBp: z
		.number({ error: 'lot.err.integer' })
		.int({ error: 'lot.err.integer' })
		.min(1, { error: 'lot.err.positive' })
		.max(10000, { error: 'lot.err.too_large' })
		.meta({ description: 'Unit price as basis points of the tag price (1170 = 11.7%)' }),
	moq: count(1),
	onHand: count(0),
	sizeBreakdown: SizeBreakdownSchema,
	attributes: z.record(z.string().max(40), z.string().max(80)),
	warehouseProvince: text(40),
	warehouseCity: text(40),
	talkingPoints: para(4000),
	dropshipAllowed: z.boolean({ error: 'lot.err.boolean' }),
	commissionBp: z
		.number({ error: 'lot.err.integer' })
		.int({ error: 'lot.err.integer' })
		.min(0)
		.max(10000)
		.meta({ description: 'Default host commission, basis points of the sale price' }),
	status: z.enum(SUPPLIER_LOT_STATUSES, { error: 'lot.err.status' }),
	/** Operator only: allow this price outside its grade band. */
	priceOverride: z.boolean({ error: 'lot.err.boolean' }),
	/** Operator only: the supplier a lot is created for. */
	supplierId: z.uuid()
};

export const LotCreateInput = z
	.object({
		...LotFields,
		supplierSku: LotFields.supplierSku.optional(),
		description: LotFields.description.optional(),
		categoryId: LotFields.categoryId.optional(),
		categoryPath: LotFields.categoryPath.optional(),
		brandId: LotFields.brandId.optional(),
		defectDescription: LotFields.defectDescription.optional(),
		unitPriceFen: LotFields.unitPriceFen.optional(),
		discountBp: LotFields.discountBp.optional(),
		sizeBreakdown: LotFields.sizeBreakdown.optional(),
		attributes: LotFields.attributes.optional(),
		warehouseProvince: LotFields.warehouseProvince.optional(),
		warehouseCity: LotFields.warehouseCity.optional(),
		talkingPoints: LotFields.talkingPoints.optional(),
		dropshipAllowed: LotFields.dropshipAllowed.optional(),
		commissionBp: LotFields.commissionBp.optional(),
		status: LotFields.status.optional(),
		priceOverride: LotFields.priceOverride.optional(),
		supplierId: LotFields.supplierId.optional()
	})
	.strict()
	.meta({
		description: 'A new lot. Give categoryId or categoryPath, and unitPriceFen or discountBp.'
	});
export type LotCreateInput = z.infer<typeof LotCreateInput>;

export const LotPatchInput = z
	.object(
		Object.fromEntries(
			Object.entries(LotFields)
				.filter(([k]) => k !== 'supplierId')
				.map(([k, v]) => [k, v.optional()])
		) as {
			[K in Exclude<keyof typeof LotFields, 'supplierId'>]: z.ZodOptional<(typeof LotFields)[K]>;
		}
	)
	.strict()
	.meta({ description: 'Fields to change; the rest stay as they are.' });
export type LotPatchInput = z.infer<typeof LotPatchInput>;

// ------------------------------------------------------------------ filters (query parameters)

/** One value or several: `grade=B&grade=C` or `grade=B,C`. */
function multi<T extends readonly [string, ...string[]]>(values: T) {
	return z
		.union([z.string(), z.array(z.string())])
		.transform((v) =>
			(Array.isArray(v) ? v : [v])
				.flatMap((s) => s.split(','))
				.map((s) => s.trim())
				.filter(Boolean)
		)
		.pipe(z.array(z.enum(values, { error: 'lot.err.filter_value' })).max(20));
}
function multiText<T extends z.ZodType<string, string>>(item: T) {
	return z
		.union([z.string(), z.array(z.string())])
		.transform((v) =>
			(Array.isArray(v) ? v : [v])
				.flatMap((s) => s.split(','))
				.map((s) => s.trim())
				.filter(Boolean)
		)
		.pipe(z.array(item).max(50));
}
const intParam = z.coerce
	.number({ error: 'lot.err.integer' })
	.int({ error: 'lot.err.integer' })
	.min(0)
	.max(1_000_000_000);
const yuanParam = z.string().transform((v, ctx) => {
	const f = parseYuan(v);
	if (f === null) {
		ctx.addIssue({ code: 'custom', message: 'lot.err.amount' });
		return z.NEVER;
	}
	return f;
});

export const LotFilterInput = z.object({
	q: z
		.string()
		.trim()
		.max(100, { error: 'lot.err.too_long' })
		.optional()
		.meta({ description: 'Search text, Chinese or English' }),
	category: z
		.string()
		.trim()
		.max(200)
		.regex(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/, { error: 'lot.err.category' })
		.optional()
		.meta({ description: 'Category path prefix, e.g. apparel/women' }),
	source: multi(LOT_SOURCES).optional(),
	grade: multi(GRADES).optional(),
	scenario: multi(SCENARIOS)
		.optional()
		.meta({ description: 'Lots with any of these scenario tags' }),
	brand: multiText(z.uuid({ error: 'lot.err.brand' })).optional(),
	region: multiText(z.string().max(40))
		.optional()
		.meta({ description: 'Warehouse province, e.g. 广东省' }),
	sizeProfile: multi(SIZE_PROFILES).optional(),
	moqMin: intParam.optional(),
	moqMax: intParam.optional(),
	priceMinFen: intParam.optional(),
	priceMaxFen: intParam.optional(),
	/** Same as priceMinFen/priceMaxFen in yuan ("35", "35.5"), for readable page URLs. */
	priceMin: yuanParam
		.optional()
		.meta({ description: 'Minimum unit price in yuan (alternative to priceMinFen)' }),
	priceMax: yuanParam
		.optional()
		.meta({ description: 'Maximum unit price in yuan (alternative to priceMaxFen)' }),
	sort: z.enum(SORTS, { error: 'lot.err.sort' }).optional(),
	cursor: z
		.string()
		.max(400)
		.optional()
		.meta({ description: 'Opaque; from a previous page’s nextCursor' }),
	limit: z.coerce.number().int().min(1).max(100).optional()
});
export type LotFilterInput = z.input<typeof LotFilterInput>;

/** A parsed filter, as searchLots and facetCounts take it. */
export interface LotFilter {
	q?: string;
	category?: string;
	source?: (typeof LOT_SOURCES)[number][];
	grade?: (typeof GRADES)[number][];
	scenario?: (typeof SCENARIOS)[number][];
	brand?: string[];
	region?: string[];
	sizeProfile?: (typeof SIZE_PROFILES)[number][];
	moqMin?: number;
	moqMax?: number;
	priceMinFen?: number;
	priceMaxFen?: number;
	sort?: Sort;
	cursor?: string;
	limit?: number;
}

/** Normalises parsed query parameters into a LotFilter (yuan prices folded into fen). */
export function toLotFilter(p: z.output<typeof LotFilterInput>): LotFilter {
	const { priceMin, priceMax, ...rest } = p;
	const out: LotFilter = { ...rest };
	if (priceMin !== undefined && out.priceMinFen === undefined) out.priceMinFen = priceMin;
	if (priceMax !== undefined && out.priceMaxFen === undefined) out.priceMaxFen = priceMax;
	for (const k of Object.keys(out) as (keyof LotFilter)[]) {
		const v = out[k];
		if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete out[k];
	}
	return out;
}

/** URLSearchParams → a plain object where repeated keys become arrays. */
export function searchParamsObject(sp: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const k of new Set(sp.keys())) {
		const all = sp.getAll(k).filter((v) => v !== '');
		if (all.length === 1) out[k] = all[0]!;
		else if (all.length > 1) out[k] = all;
	}
	return out;
}

export const BlockInput = z.object({
	reason: multilineText({ error: 'lot.err.reason' })
		.trim()
		.min(2, { error: 'lot.err.reason' })
		.max(500, { error: 'lot.err.too_long' })
});
export const SupplierStatusInput = z.object({
	status: z.enum(['pending', 'admitted', 'blocked'], { error: 'lot.err.status' }),
	reason: multilineText().trim().max(500, { error: 'lot.err.too_long' }).optional()
});

export const SaleInput = z.object({
	lotId: z.uuid(),
	buyerKey: z.string().min(1).max(128),
	quantity: z.number().int().min(1).max(10_000_000),
	amountFen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
	channel: z.enum(['wholesale', 'dropship']),
	orderRef: z.string().max(128).optional(),
	soldAt: z.date().optional()
});
export type SaleInput = z.input<typeof SaleInput>;

/** Query parameters of POST /api/v1/lots/import. */
export const LotImportQuery = z.object({
	dryRun: z
		.enum(['1', '0', 'true', 'false'], { error: 'v.choice' })
		.optional()
		.transform((v) => v === '1' || v === 'true')
		.meta({ description: '1: check and preview only, write nothing' }),
	mode: z.enum(['upsert', 'create'], { error: 'v.choice' }).optional().meta({
		description:
			'upsert (default): rows whose 货号 matches a lot update it; create: such rows are refused'
	}),
	token: z.string().max(200).optional().meta({
		description: 'The preview’s token: the apply is refused (409) if the lots moved since'
	})
});
