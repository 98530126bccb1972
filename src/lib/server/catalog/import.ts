import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { bpToPercentString, fenToYuanString, parsePercentBp, parseYuan } from '$lib/domain/money';
import { parseSizeList } from '$lib/catalog/sizes';
import { db, type DbOrTx } from '../db';
import { brands, lots, type Lot } from '../db/schema';
import { AppError } from '../errors';
import { publishStock } from '../realtime/stock';
import { zodIssueParams } from '../zod-messages';
import type { Principal } from '../auth/principal';
import { isOperator } from './actor';
import { LotCreateInput, LotPatchInput } from './schemas';
import {
	checkDraft,
	derivedColumns,
	draftFromCreate,
	draftFromPatch,
	getSupplier,
	loadLotContext,
	skuTaken,
	stockIssue,
	writeLotDraft,
	type CategoryNode,
	type LotContext,
	type LotDraft
} from './service';

/** One problem in an import: spreadsheet row (header is row 1), column header, cell, message key. */
export interface ImportError {
	row: number;
	column: string;
	cell: string;
	code: string;
	message: string;
	params?: Record<string, string | number>;
}

export interface ImportProgress {
	phase: 'read' | 'check' | 'write' | 'done';
	done: number;
	total: number;
}

/** Columns an import understands, with the header names accepted for each (Chinese first). */
export const IMPORT_COLUMNS = {
	title: ['标题', 'title', '货盘名称', '名称'],
	category: ['品类', 'category', '类目', 'category_path'],
	brand: ['品牌', 'brand'],
	source: ['来源', 'source'],
	grade: ['品质', 'grade', '等级'],
	defect: ['瑕疵说明', 'defect', 'defect_description', '瑕疵'],
	tagPrice: ['吊牌价', 'tag_price', 'tag price'],
	unitPrice: ['批发价', 'unit_price', 'unit price', 'price', '单价'],
	discount: ['折扣', 'discount', '折扣率'],
	moq: ['起批量', 'moq', '起批'],
	onHand: ['库存', 'on_hand', 'stock'],
	sizes: ['尺码分布', 'sizes', 'size_breakdown', '尺码'],
	province: ['仓库省份', 'province', '省份'],
	city: ['仓库城市', 'city', '城市'],
	talkingPoints: ['讲解话术', 'talking_points', '话术'],
	dropship: ['一件代发', 'dropship'],
	commission: ['佣金', 'commission', '佣金比例'],
	description: ['描述', 'description', '商品描述'],
	attributes: ['属性', 'attributes'],
	status: ['状态', 'status'],
	sku: ['货号', 'sku', 'supplier_sku', '商家编码', '款号']
} as const;
type Col = keyof typeof IMPORT_COLUMNS;

/** Columns a sheet needs when some row creates a lot (a price column too: 批发价 or 折扣). */
const REQUIRED_FOR_CREATE: Col[] = [
	'title',
	'category',
	'grade',
	'source',
	'tagPrice',
	'moq',
	'onHand'
];

/** Which import column a LotCreateInput field's problem belongs to. */
const COLUMN_OF_FIELD: Record<string, Col> = {
	title: 'title',
	categoryId: 'category',
	categoryPath: 'category',
	brandId: 'brand',
	source: 'source',
	grade: 'grade',
	defectDescription: 'defect',
	tagPriceFen: 'tagPrice',
	unitPriceFen: 'unitPrice',
	discountBp: 'discount',
	moq: 'moq',
	onHand: 'onHand',
	sizeBreakdown: 'sizes',
	warehouseProvince: 'province',
	warehouseCity: 'city',
	talkingPoints: 'talkingPoints',
	dropshipAllowed: 'dropship',
	commissionBp: 'commission',
	description: 'description',
	attributes: 'attributes',
	status: 'status',
	supplierSku: 'sku'
};

const SOURCE_LABELS: Record<string, string> = {
	订单溢产: 'factory_overrun',
	溢产: 'factory_overrun',
	过季清仓: 'season_clearance',
	清仓: 'season_clearance',
	滞销库存: 'wholesaler_stock',
	滞销: 'wholesaler_stock',
	电商退货未拆封: 'ecommerce_return',
	电商退货: 'ecommerce_return'
};
const STATUS_LABELS: Record<string, string> = {
	上架: 'active',
	在售: 'active',
	草稿: 'draft',
	下架: 'archived'
};
const YES = new Set(['是', 'yes', 'y', 'true', '1', '支持', '可以']);
const NO = new Set(['否', 'no', 'n', 'false', '0', '不支持', '不可以']);

type Cell = string | number | boolean | null;

// ------------------------------------------------------------------ reading files

function columnLetter(i: number): string {
	let s = '';
	for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
		s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
	return s;
}

function decodeText(bytes: Uint8Array): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
	} catch {
		// Excel in China saves CSV as GBK/GB18030 unless told otherwise.
		return new TextDecoder('gb18030').decode(bytes);
	}
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function cellValue(v: ExcelJS.CellValue): Cell {
	if (v === null || v === undefined) return null;
	if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
	if (v instanceof Date) return v.toISOString();
	if (typeof v === 'object') {
		if ('richText' in v) return v.richText.map((t) => t.text).join('');
		if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
		if ('text' in v) return String(v.text);
		if ('error' in v) return null;
	}
	return String(v);
}

/** The sheet as rows of cells; row 0 is the header. */
export async function readSheet(bytes: Uint8Array): Promise<Cell[][]> {
	if (isZip(bytes)) {
		const wb = new ExcelJS.Workbook();
		try {
			await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
		} catch {
			throw new AppError('invalid', 'invalid_file', 'import.err.unreadable', { field: 'file' });
		}
		const ws = wb.worksheets[0];
		if (!ws) return [];
		const out: Cell[][] = [];
		ws.eachRow({ includeEmpty: true }, (row, n) => {
			const cells: Cell[] = [];
			row.eachCell({ includeEmpty: true }, (cell, c) => {
				cells[c - 1] = cellValue(cell.value);
			});
			out[n - 1] = Array.from(cells, (x) => x ?? null);
		});
		return Array.from(out, (r) => r ?? []);
	}
	const parsed = Papa.parse<string[]>(decodeText(bytes), { skipEmptyLines: false });
	if (parsed.errors.some((e) => e.type === 'Quotes'))
		throw new AppError('invalid', 'invalid_file', 'import.err.unreadable', { field: 'file' });
	return parsed.data;
}

// ------------------------------------------------------------------ rows to lot inputs

const str = (c: Cell | undefined) => (c === null || c === undefined ? '' : String(c).trim());

interface RowContext extends LotContext {
	brandsByName: Map<string, string>;
	categoryByName: Map<string, string | null>;
}

function resolveCategory(v: string, ctx: RowContext): string | undefined {
	const path = v.replace(/\s*[>›»]\s*/g, '/').replace(/\s*\/\s*/g, '/');
	if (ctx.categoriesByPath.has(path)) return path;
	// Chinese or English names, as a path (服装/女装/连衣裙) or a leaf name alone (连衣裙)
	const byNames = [...ctx.categoriesByPath.values()].find((c) => {
		const names: string[][] = [];
		for (let p: string | null = c.path; p;) {
			const x: CategoryNode = ctx.categoriesByPath.get(p)!;
			names.unshift([x.nameZh, x.nameEn.toLowerCase()]);
			p = x.parentPath;
		}
		const parts = path.split('/');
		return (
			parts.length === names.length &&
			parts.every((s, i) => names[i]!.includes(s) || names[i]!.includes(s.toLowerCase()))
		);
	});
	if (byNames) return byNames.path;
	const leaf = ctx.categoryByName.get(path) ?? ctx.categoryByName.get(path.toLowerCase());
	return leaf ?? undefined;
}

/** Turns one sheet row into a LotCreateInput-shaped object, or cell-level errors. */
function rowToInput(
	cells: Cell[],
	cols: Partial<Record<Col, number>>,
	ctx: RowContext
): {
	input: Record<string, unknown>;
	errors: { col: Col; code: string; message: string; params?: Record<string, string | number> }[];
} {
	const errors: {
		col: Col;
		code: string;
		message: string;
		params?: Record<string, string | number>;
	}[] = [];
	const get = (c: Col) => (cols[c] === undefined ? undefined : cells[cols[c]!]);
	const s = (c: Col) => str(get(c));
	const input: Record<string, unknown> = { title: s('title') };
	const bad = (col: Col, message: string, params?: Record<string, string | number>) =>
		errors.push({ col, code: 'invalid_input', message, params });

	const cat = s('category');
	if (!cat) bad('category', 'lot.err.required');
	else {
		const path = resolveCategory(cat, ctx);
		if (path) input.categoryPath = path;
		else bad('category', 'import.err.category', { value: cat });
	}
	const brand = s('brand');
	if (brand) {
		const id = ctx.brandsByName.get(brand.toLowerCase());
		if (id) input.brandId = id;
		else bad('brand', 'import.err.brand', { value: brand });
	}
	const source = s('source');
	input.source = SOURCE_LABELS[source] ?? source;
	input.grade = s('grade').toUpperCase().replace(/品$/, '');
	if (s('defect')) input.defectDescription = s('defect');
	const money = (col: Col, key: string) => {
		const raw = get(col);
		if (str(raw) === '') return;
		const fen = parseYuan(typeof raw === 'number' ? raw : str(raw));
		if (fen === null) bad(col, 'lot.err.amount');
		else input[key] = fen;
	};
	money('tagPrice', 'tagPriceFen');
	if (input.tagPriceFen === undefined && !errors.some((e) => e.col === 'tagPrice'))
		bad('tagPrice', 'lot.err.required');
	money('unitPrice', 'unitPriceFen');
	const disc = get('discount');
	if (str(disc) !== '' && input.unitPriceFen === undefined) {
		const bp = parsePercentBp(typeof disc === 'number' ? disc : str(disc));
		if (bp === null) bad('discount', 'lot.err.percent');
		else input.discountBp = bp;
	}
	const int = (col: Col, key: string, required: boolean) => {
		const v = s(col).replace(/[,，]/g, '');
		if (!v) {
			if (required) bad(col, 'lot.err.required');
			return;
		}
		if (!/^\d+$/.test(v)) bad(col, 'lot.err.integer');
		else input[key] = Number(v);
	};
	int('moq', 'moq', true);
	int('onHand', 'onHand', true);
	const sizes = parseSizeList(s('sizes'));
	if (sizes === null) bad('sizes', 'import.err.sizes');
	else if (Object.keys(sizes).length) input.sizeBreakdown = sizes;
	if (s('province')) input.warehouseProvince = s('province');
	if (s('city')) input.warehouseCity = s('city');
	if (s('talkingPoints')) input.talkingPoints = s('talkingPoints');
	if (s('description')) input.description = s('description');
	const ds = s('dropship').toLowerCase();
	if (ds) {
		if (YES.has(ds)) input.dropshipAllowed = true;
		else if (NO.has(ds)) input.dropshipAllowed = false;
		else bad('dropship', 'lot.err.boolean');
	}
	const com = get('commission');
	if (str(com) !== '') {
		const bp = parsePercentBp(typeof com === 'number' ? com : str(com));
		if (bp === null) bad('commission', 'lot.err.percent');
		else input.commissionBp = bp;
	}
	const attrs = s('attributes');
	if (attrs) {
		const out: Record<string, string> = {};
		const catNode = input.categoryPath
			? ctx.categoriesByPath.get(input.categoryPath as string)
			: undefined;
		for (const part of attrs.split(/[;；,，\n]+/)) {
			const m = /^(.+?)\s*[:：=]\s*(.+)$/.exec(part.trim());
			if (!m) {
				if (part.trim()) bad('attributes', 'import.err.attributes');
				continue;
			}
			let [k, v] = [m[1]!.trim(), m[2]!.trim()];
			const def = catNode?.attributes.find(
				(a) => a.key === k || a.label['zh-CN'] === k || a.label.en === k
			);
			if (def) {
				k = def.key;
				v =
					def.options.find((o) => o.value === v || o.label['zh-CN'] === v || o.label.en === v)
						?.value ?? v;
			}
			out[k] = v;
		}
		input.attributes = out;
	}
	const st = s('status');
	if (st) input.status = STATUS_LABELS[st] ?? st.toLowerCase();
	return { input, errors };
}

// ------------------------------------------------------------------ the import

/** Columns a row that matches an existing lot by its supplier code (货号) may change. */
const UPDATE_COLUMNS = ['onHand', 'unitPrice', 'discount', 'status', 'description'] as const;
/** The lot fields an update row may change, as the preview compares them. */
const UPDATE_FIELDS = ['onHand', 'unitPriceFen', 'status', 'description'] as const;
type UpdateField = (typeof UPDATE_FIELDS)[number];

/** Which import columns a catalog rule's problem depends on (a rule is checked only if all parsed). */
const RULE_DEPENDS: Record<string, readonly string[]> = {
	unitPriceFen: ['grade', 'tagPriceFen', 'unitPriceFen', 'discountBp'],
	defectDescription: ['grade', 'defectDescription'],
	attributes: ['categoryPath', 'attributes'],
	categoryId: ['categoryPath'],
	categoryPath: ['categoryPath'],
	commissionBp: ['commissionBp'],
	brandId: ['brandId']
};

/** What importing a row does (or would do): the preview lists one per data row. */
export type ImportRow =
	| { row: number; kind: 'added'; sku: string | null; title: string }
	| {
			row: number;
			kind: 'changed';
			sku: string;
			title: string;
			lotId: string;
			changes: { field: UpdateField; before: string | number; after: string | number }[];
	  }
	| { row: number; kind: 'unchanged'; sku: string; title: string; lotId: string }
	| { row: number; kind: 'refused'; sku: string | null; title: string };

export interface ImportResult {
	/** Every row passed its checks (and, unless a dry run, was written). */
	ok: boolean;
	/** A dry run: what would happen, nothing written. */
	dryRun: boolean;
	rows: number;
	created: number;
	updated: number;
	unchanged: number;
	/** Every problem of every row, found in one pass. */
	errors: ImportError[];
	/** Ids of the lots created, in row order. */
	ids: string[];
	/** One entry per data row, in sheet order. */
	preview: ImportRow[];
	/**
	 * Fingerprint of the plan and of the lots it touches (their counters, prices, status). Send
	 * it back with the apply: if anything moved since the preview, the apply refuses (stale).
	 */
	token: string;
	/** The apply was refused because the lots changed since the preview that gave `token`. */
	stale?: boolean;
}

export interface ImportOptions {
	onProgress?: (p: ImportProgress) => void;
	supplierId?: string;
	/** Check and preview only; write nothing. */
	dryRun?: boolean;
	/** `upsert` (default): rows whose 货号 matches a lot update it; `create`: such rows are refused. */
	mode?: 'upsert' | 'create';
	/** The token of the preview this apply confirms. */
	expectToken?: string;
}

/** Placeholder values for fields that failed, so the rules on the other fields can still run. */
function placeholders(ctx: LotContext): Record<string, unknown> {
	const leaf = [...ctx.categoriesByPath.values()].find((c) => c.isLeaf);
	return {
		title: 'x',
		source: 'factory_overrun',
		grade: 'A',
		tagPriceFen: 10000,
		unitPriceFen: 1800,
		moq: 1,
		onHand: 0,
		categoryPath: leaf?.path
	};
}

type RowProblem = {
	col: Col;
	code: string;
	message: string;
	params?: Record<string, string | number>;
};

/** Every problem of a row that would create a lot: cells, field types and catalog rules at once. */
function checkCreateRow(
	input: Record<string, unknown>,
	cellErrors: RowProblem[],
	missingCols: Set<Col>,
	ctx: RowContext,
	sup: { province: string; city: string },
	operator: boolean
): { draft: LotDraft | null; problems: RowProblem[] } {
	const problems: RowProblem[] = [...cellErrors];
	const badCols = new Set<Col>([...cellErrors.map((e) => e.col), ...missingCols]);
	const failed = new Set<string>();
	for (const [field, col] of Object.entries(COLUMN_OF_FIELD))
		if (badCols.has(col)) failed.add(field);
	const r = LotCreateInput.safeParse(input);
	if (r.success && badCols.size === 0) {
		const { draft, issues } = draftFromCreate(r.data, ctx, sup, operator);
		for (const i of issues)
			problems.push({
				col: COLUMN_OF_FIELD[i.field.split('.')[0]!] ?? 'title',
				code: i.code,
				message: i.message,
				params: i.params
			});
		return { draft: issues.length ? null : draft, problems };
	}
	for (const issue of r.success ? [] : r.error.issues) {
		const field = String(issue.path[0] ?? 'title');
		failed.add(field);
		const col = COLUMN_OF_FIELD[field] ?? 'title';
		if (badCols.has(col)) continue;
		problems.push({
			col,
			code: 'invalid_input',
			message: issue.message,
			params: zodIssueParams(issue)
		});
	}
	// The rules on the fields that did parse still run, on placeholders for the rest.
	const fill = placeholders(ctx);
	const patched: Record<string, unknown> = { ...input };
	for (const f of failed) {
		if (f in fill) patched[f] = fill[f];
		else delete patched[f];
	}
	if (failed.has('unitPriceFen') || failed.has('discountBp')) {
		delete patched.discountBp;
		patched.unitPriceFen = fill.unitPriceFen;
	}
	const again = LotCreateInput.safeParse(patched);
	if (again.success) {
		const { issues } = draftFromCreate(again.data, ctx, sup, operator);
		for (const i of issues) {
			const top = i.field.split('.')[0]!;
			const deps = RULE_DEPENDS[top] ?? [top];
			if (deps.some((d) => failed.has(d))) continue;
			if (problems.some((p) => p.col === COLUMN_OF_FIELD[top])) continue;
			problems.push({
				col: COLUMN_OF_FIELD[top] ?? 'title',
				code: i.code,
				message: i.message,
				params: i.params
			});
		}
	}
	return { draft: null, problems };
}

/** A row that updates an existing lot: its patch, the lot after it, and every problem. */
function checkUpdateRow(
	lot: Lot,
	input: Record<string, unknown>,
	cellErrors: RowProblem[],
	ctx: RowContext,
	operator: boolean
): { draft: LotDraft | null; problems: RowProblem[] } {
	const problems = cellErrors.filter(
		(e) => (UPDATE_COLUMNS as readonly string[]).includes(e.col) && e.message !== 'lot.err.required'
	);
	const patch: Record<string, unknown> = {};
	for (const k of ['onHand', 'unitPriceFen', 'discountBp', 'status', 'description'])
		if (input[k] !== undefined) patch[k] = input[k];
	const r = LotPatchInput.safeParse(patch);
	if (!r.success) {
		for (const issue of r.error.issues) {
			const col = COLUMN_OF_FIELD[String(issue.path[0])] ?? 'title';
			if (problems.some((p) => p.col === col)) continue;
			problems.push({
				col,
				code: 'invalid_input',
				message: issue.message,
				params: zodIssueParams(issue)
			});
		}
		return { draft: null, problems };
	}
	if (problems.length) return { draft: null, problems };
	let draft: LotDraft;
	try {
		draft = draftFromPatch(lot, r.data, ctx, operator);
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		problems.push({
			col: COLUMN_OF_FIELD[e.field ?? ''] ?? 'status',
			code: e.code,
			message: e.message,
			params: e.params
		});
		return { draft: null, problems };
	}
	const issues = checkDraft(draft, ctx);
	const stock = stockIssue(lot, draft.onHand);
	if (stock) issues.push(stock);
	for (const i of issues)
		problems.push({
			col: COLUMN_OF_FIELD[i.field.split('.')[0]!] ?? 'title',
			code: i.code,
			message: i.message,
			params: i.params
		});
	return { draft: problems.length ? null : draft, problems };
}

/** The lot's values a preview shows and a stale check compares. */
function lotFingerprint(l: Lot) {
	return [
		l.id,
		l.onHand,
		l.locked,
		l.allocated,
		Number(l.stockVersion),
		l.unitPriceFen,
		l.tagPriceFen,
		l.grade,
		l.status,
		l.description,
		l.priceOverride,
		l.updatedAt.toISOString()
	];
}

/**
 * Imports lots from a CSV (UTF-8 or GB18030) or XLSX sheet for the acting supplier. A row whose
 * 货号 (supplier SKU) matches one of the supplier's lots updates that lot's stock, price (within
 * its grade's band), status and description, through the same rules and write as editing the
 * lot; any other row creates a lot. Every row is checked first and every problem of every row is
 * listed (row, column, message); if there is any, nothing is written. With `dryRun` nothing is
 * written either way and the result previews each row (added / changed / unchanged / refused);
 * an apply with the preview's `expectToken` is refused as stale if the lots moved since.
 */
export async function importLots(
	actor: Principal,
	file: { bytes: Uint8Array },
	opts: ImportOptions = {}
): Promise<ImportResult> {
	const operator = isOperator(actor);
	const supplierId = operator ? opts.supplierId : actor.orgId;
	if (!(actor.role === 'supplier_staff' || operator) || !supplierId)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_only');
	const sup = await getSupplier(supplierId);
	if (!sup) throw new AppError('forbidden', 'forbidden', 'lot.err.no_supplier_profile');
	if (sup.status === 'blocked' && !operator)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_blocked');
	const progress = opts.onProgress ?? (() => {});
	const mode = opts.mode ?? 'upsert';
	const sheet = await readSheet(file.bytes);
	const header = (sheet[0] ?? []).map((h) => str(h));
	const cols: Partial<Record<Col, number>> = {};
	header.forEach((h, i) => {
		const k = h
			.toLowerCase()
			.replace(/[（(].*[)）]$/, '')
			.trim();
		for (const [col, names] of Object.entries(IMPORT_COLUMNS) as [Col, readonly string[]][])
			if (cols[col] === undefined && names.includes(k)) cols[col] = i;
	});
	const dataRows = sheet
		.slice(1)
		.map((cells, i) => ({ cells, row: i + 2 }))
		.filter((r) => r.cells.some((c) => str(c) !== ''));
	const total = dataRows.length;
	progress({ phase: 'read', done: total, total });
	const base = await loadLotContext();
	if (total > base.policy.catalog.importMaxRows)
		throw new AppError('rule', 'too_many_rows', 'import.err.too_many_rows', {
			field: 'file',
			params: { max: base.policy.catalog.importMaxRows }
		});
	const ctx: RowContext = {
		...base,
		brandsByName: new Map(
			[...base.brandsById.values()].flatMap((b) => [
				[b.name.toLowerCase(), b.id],
				...(b.nameEn ? [[b.nameEn.toLowerCase(), b.id] as [string, string]] : [])
			])
		),
		categoryByName: new Map()
	};
	for (const c of base.categoriesByPath.values()) {
		if (!c.isLeaf) continue;
		for (const n of [c.nameZh, c.nameEn.toLowerCase()])
			ctx.categoryByName.set(n, ctx.categoryByName.has(n) ? null : c.path);
	}
	const skuOf = (cells: Cell[]) => (cols.sku === undefined ? '' : str(cells[cols.sku]));
	const skus = [...new Set(dataRows.map((r) => skuOf(r.cells)).filter(Boolean))];

	/** Checks every row against the lots as `tx` sees them: the plan, with every problem. */
	const plan = async (tx: DbOrTx, lock: boolean) => {
		const existing = new Map<string, Lot>();
		if (skus.length) {
			const q = tx
				.select()
				.from(lots)
				.where(and(eq(lots.supplierId, supplierId), inArray(lots.supplierSku, skus)))
				.orderBy(lots.id);
			for (const l of await (lock ? q.for('update') : q)) existing.set(l.supplierSku!, l);
		}
		const errors: ImportError[] = [];
		const headerName = (col: Col) =>
			cols[col] !== undefined ? header[cols[col]!]! : IMPORT_COLUMNS[col][0];
		const cellRef = (col: Col, row: number) =>
			cols[col] !== undefined ? `${columnLetter(cols[col]!)}${row}` : '';
		const push = (row: number, p: RowProblem) =>
			errors.push({
				row,
				column: headerName(p.col),
				cell: cellRef(p.col, row),
				code: p.code,
				message: p.message,
				params: p.params
			});
		const creating = dataRows.filter((r) => mode === 'create' || !existing.has(skuOf(r.cells)));
		const missing = new Set<Col>();
		if (creating.length || total === 0) {
			for (const required of REQUIRED_FOR_CREATE)
				if (cols[required] === undefined) missing.add(required);
			if (cols.unitPrice === undefined && cols.discount === undefined) missing.add('unitPrice');
			for (const col of missing)
				errors.push({
					row: 1,
					column: IMPORT_COLUMNS[col][0],
					cell: '',
					code: 'missing_column',
					message: 'import.err.missing_column',
					params: { column: IMPORT_COLUMNS[col][0] }
				});
		}
		if (total === 0 && errors.length === 0)
			errors.push({ row: 2, column: '', cell: '', code: 'empty', message: 'import.err.empty' });

		const preview: ImportRow[] = [];
		const creates: { row: number; draft: LotDraft }[] = [];
		const updates: { row: number; lot: Lot; draft: LotDraft }[] = [];
		const fingerprint: unknown[] = [mode, supplierId];
		const firstRowOfSku = new Map<string, number>();
		for (const [k, { cells, row }] of dataRows.entries()) {
			const sku = skuOf(cells) || null;
			const title = str(cols.title === undefined ? null : cells[cols.title]);
			const { input, errors: cellErrors } = rowToInput(cells, cols, ctx);
			if (sku) input.supplierSku = sku;
			const lot = sku ? existing.get(sku) : undefined;
			let problems: RowProblem[];
			if (sku && firstRowOfSku.has(sku)) {
				problems = [
					{
						col: 'sku',
						code: 'duplicate_sku',
						message: 'import.err.sku_duplicate',
						params: { row: firstRowOfSku.get(sku)!, sku }
					}
				];
			} else if (lot && mode === 'create') {
				problems = [
					{ col: 'sku', code: 'sku_taken', message: 'import.err.sku_exists', params: { sku: sku! } }
				];
			} else if (lot) {
				const r = checkUpdateRow(lot, input, cellErrors, ctx, operator);
				problems = r.problems;
				fingerprint.push(row, lotFingerprint(lot));
				if (r.draft) {
					const changes = UPDATE_FIELDS.filter((f) => r.draft![f] !== lot[f]).map((f) => ({
						field: f,
						before: lot[f],
						after: r.draft![f]
					}));
					fingerprint.push(changes);
					if (changes.length) {
						updates.push({ row, lot, draft: r.draft });
						preview.push({
							row,
							kind: 'changed',
							sku: sku!,
							title: lot.title,
							lotId: lot.id,
							changes
						});
					} else
						preview.push({ row, kind: 'unchanged', sku: sku!, title: lot.title, lotId: lot.id });
				}
			} else {
				const r = checkCreateRow(input, cellErrors, missing, ctx, sup, operator);
				problems = r.problems;
				if (r.draft) {
					creates.push({ row, draft: r.draft });
					preview.push({ row, kind: 'added', sku, title });
					fingerprint.push(row, r.draft);
				}
			}
			if (sku && !firstRowOfSku.has(sku)) firstRowOfSku.set(sku, row);
			if (problems.length) {
				for (const p of problems) push(row, p);
				preview.push({ row, kind: 'refused', sku, title: lot?.title ?? title });
			}
			if ((k + 1) % 500 === 0) progress({ phase: 'check', done: k + 1, total });
		}
		progress({ phase: 'check', done: total, total });
		const token = createHash('sha256').update(JSON.stringify(fingerprint)).digest('base64url');
		return { errors, preview, creates, updates, token };
	};

	const result = (
		p: Awaited<ReturnType<typeof plan>>,
		extra: Partial<ImportResult> = {}
	): ImportResult => ({
		ok: p.errors.length === 0,
		dryRun: !!opts.dryRun,
		rows: total,
		created: 0,
		updated: 0,
		unchanged: p.preview.filter((r) => r.kind === 'unchanged').length,
		errors: p.errors,
		ids: [],
		preview: p.preview,
		token: p.token,
		...extra
	});

	if (opts.dryRun) {
		const p = await plan(db(), false);
		progress({ phase: 'done', done: total, total });
		return result(p);
	}

	const outcome = await db()
		.transaction(async (tx) => {
			const p = await plan(tx, true);
			if (p.errors.length) return { r: result(p), stockChanged: [] as string[] };
			if (opts.expectToken !== undefined && opts.expectToken !== p.token)
				return {
					r: result(p, {
						ok: false,
						stale: true,
						errors: [
							{ row: 1, column: '', cell: '', code: 'import_stale', message: 'import.err.stale' }
						]
					}),
					stockChanged: [] as string[]
				};
			const ids: string[] = [];
			const BATCH = 500;
			for (let k = 0; k < p.creates.length; k += BATCH) {
				const batch = p.creates.slice(k, k + BATCH).map(({ draft: d }) => ({
					...d,
					supplierId: sup.orgId,
					...derivedColumns(d, base, { hasDefectVideo: false, supplierName: sup.name })
				}));
				const rows = await tx.insert(lots).values(batch).returning({ id: lots.id });
				ids.push(...rows.map((r) => r.id));
				progress({ phase: 'write', done: Math.min(k + BATCH, p.creates.length), total });
			}
			const stockChanged: string[] = [];
			for (const u of p.updates)
				if (await writeLotDraft(tx, u.lot, u.draft, base, sup.name)) stockChanged.push(u.lot.id);
			progress({ phase: 'write', done: total, total });
			return {
				r: result(p, { created: ids.length, updated: p.updates.length, ids }),
				stockChanged
			};
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	if (outcome.stockChanged.length) await publishStock(outcome.stockChanged);
	progress({ phase: 'done', done: total, total });
	return outcome.r;
}

// ------------------------------------------------------------------ export

const SOURCE_ZH: Record<string, string> = {
	factory_overrun: '订单溢产',
	season_clearance: '过季清仓',
	wholesaler_stock: '滞销库存',
	ecommerce_return: '电商退货未拆封'
};
const STATUS_ZH: Record<string, string> = {
	active: '上架',
	draft: '草稿',
	archived: '下架',
	blocked: '已封禁'
};

/**
 * The supplier's lots as an XLSX workbook whose columns the import reads back (an extra 编号
 * column and derived figures are ignored on import).
 */
export async function exportLotsXlsx(
	actor: Principal,
	opts: { supplierId?: string; template?: boolean } = {}
): Promise<Buffer> {
	const supplierId = isOperator(actor) ? opts.supplierId : actor.orgId;
	if (!(actor.role === 'supplier_staff' || isOperator(actor)) || !supplierId)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_only');
	const ctx = await loadLotContext();
	const rows = opts.template
		? []
		: await db().select().from(lots).where(eq(lots.supplierId, supplierId)).orderBy(lots.seq);
	const brandRows = await db().select({ id: brands.id, name: brands.name }).from(brands);
	const brandName = new Map(brandRows.map((b) => [b.id, b.name]));
	const wb = new ExcelJS.Workbook();
	wb.creator = 'LotLive';
	const ws = wb.addWorksheet('货盘');
	ws.columns = [
		{ header: '编号', key: 'id', width: 38 },
		{ header: IMPORT_COLUMNS.title[0], key: 'title', width: 30 },
		{ header: IMPORT_COLUMNS.sku[0], key: 'sku', width: 16 },
		{ header: IMPORT_COLUMNS.category[0], key: 'category', width: 26 },
		{ header: IMPORT_COLUMNS.brand[0], key: 'brand', width: 10 },
		{ header: IMPORT_COLUMNS.source[0], key: 'source', width: 14 },
		{ header: IMPORT_COLUMNS.grade[0], key: 'grade', width: 6 },
		{ header: IMPORT_COLUMNS.defect[0], key: 'defect', width: 24 },
		{ header: IMPORT_COLUMNS.tagPrice[0], key: 'tagPrice', width: 10, style: { numFmt: '0.00' } },
		{ header: IMPORT_COLUMNS.unitPrice[0], key: 'unitPrice', width: 10, style: { numFmt: '0.00' } },
		{ header: IMPORT_COLUMNS.discount[0], key: 'discount', width: 8 },
		{ header: IMPORT_COLUMNS.moq[0], key: 'moq', width: 8 },
		{ header: IMPORT_COLUMNS.onHand[0], key: 'onHand', width: 8 },
		{ header: IMPORT_COLUMNS.sizes[0], key: 'sizes', width: 30 },
		{ header: IMPORT_COLUMNS.province[0], key: 'province', width: 10 },
		{ header: IMPORT_COLUMNS.city[0], key: 'city', width: 10 },
		{ header: IMPORT_COLUMNS.talkingPoints[0], key: 'talkingPoints', width: 40 },
		{ header: IMPORT_COLUMNS.dropship[0], key: 'dropship', width: 8 },
		{ header: IMPORT_COLUMNS.commission[0], key: 'commission', width: 8 },
		{ header: IMPORT_COLUMNS.attributes[0], key: 'attributes', width: 24 },
		{ header: IMPORT_COLUMNS.status[0], key: 'status', width: 8 },
		{ header: IMPORT_COLUMNS.description[0], key: 'description', width: 40 },
		{ header: '近7天销量', key: 'sales7d', width: 10 },
		{ header: '回头率%', key: 'repurchase', width: 10 },
		{ header: '场景', key: 'scenarios', width: 20 }
	];
	ws.getRow(1).font = { bold: true };
	ws.views = [{ state: 'frozen', ySplit: 1 }];
	const sample: Partial<(typeof rows)[number]> | null = opts.template
		? {
				title: '衣尚 纯棉圆领T恤 夏季新款',
				supplierSku: 'YS-T-0001',
				categoryPath: 'apparel/women/tshirts',
				source: 'factory_overrun',
				grade: 'B',
				defectDescription: '袖口有线头（微瑕）',
				tagPriceFen: 29900,
				unitPriceFen: 3500,
				moq: 100,
				onHand: 2000,
				sizeBreakdown: { S: 300, M: 600, L: 600, XL: 500 },
				talkingPoints: '面料舒适，瑕疵不影响穿着。',
				dropshipAllowed: true,
				commissionBp: 1500,
				attributes: {},
				status: 'active',
				description: ''
			}
		: null;
	for (const l of sample ? [sample] : rows) {
		ws.addRow({
			id: l.id ?? '',
			sku: l.supplierSku ?? '',
			title: l.title,
			category: l.categoryPath,
			brand: l.brandId ? (brandName.get(l.brandId) ?? '') : '',
			source: SOURCE_ZH[l.source!] ?? l.source,
			grade: l.grade,
			defect: l.defectDescription ?? '',
			tagPrice: Number(fenToYuanString(l.tagPriceFen!)),
			unitPrice: Number(fenToYuanString(l.unitPriceFen!)),
			discount: '',
			moq: l.moq,
			onHand: l.onHand,
			sizes: Object.entries(l.sizeBreakdown ?? {})
				.map(([k, v]) => `${k}:${v}`)
				.join(', '),
			province: l.warehouseProvince ?? '',
			city: l.warehouseCity ?? '',
			talkingPoints: l.talkingPoints ?? '',
			dropship: l.dropshipAllowed ? '是' : '否',
			commission: bpToPercentString(l.commissionBp ?? ctx.policy.money.defaultCommissionBp),
			attributes: Object.entries(l.attributes ?? {})
				.map(([k, v]) => `${k}=${v}`)
				.join('; '),
			status: STATUS_ZH[l.status!] ?? l.status,
			description: l.description ?? '',
			sales7d: l.sales7d ?? 0,
			repurchase: Number(bpToPercentString(l.repurchaseBp ?? 0)),
			scenarios: (l.scenarios ?? []).join(', ')
		});
	}
	return Buffer.from(await wb.xlsx.writeBuffer());
}
