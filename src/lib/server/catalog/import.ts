import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { eq } from 'drizzle-orm';
import { bpToPercentString, fenToYuanString, parsePercentBp, parseYuan } from '$lib/domain/money';
import { parseSizeList } from '$lib/catalog/sizes';
import { db } from '../db';
import { brands, lots } from '../db/schema';
import { AppError } from '../errors';
import { catalogActor, isOperator } from './actor';
import { LotCreateInput } from './schemas';
import {
	derivedColumns,
	draftFromCreate,
	getSupplier,
	loadLotContext,
	type CategoryNode,
	type LotContext,
	type LotDraft
} from './service';

type ActorLike = Parameters<typeof catalogActor>[0];

/** One problem in an import: spreadsheet row (header is row 1), column header, cell, message key. */
export interface ImportError {
	row: number;
	column: string;
	cell: string;
	code: string;
	message: string;
	params?: Record<string, string | number>;
}

export interface ImportResult {
	ok: boolean;
	rows: number;
	created: number;
	errors: ImportError[];
	/** Ids of the lots created, in row order. */
	ids: string[];
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
	status: ['状态', 'status']
} as const;
type Col = keyof typeof IMPORT_COLUMNS;

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
	status: 'status'
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

/**
 * Imports lots from a CSV (UTF-8 or GB18030) or XLSX sheet for the acting supplier. Every row is
 * checked first; if any row has a problem nothing is written and the result lists each problem
 * by row, column and message. Otherwise all rows are written in one transaction.
 */
export async function importLots(
	actorLike: ActorLike,
	file: { bytes: Uint8Array },
	opts: { onProgress?: (p: ImportProgress) => void; supplierId?: string } = {}
): Promise<ImportResult> {
	const actor = catalogActor(actorLike);
	const supplierId = isOperator(actor) ? opts.supplierId : actor.orgId;
	if (!(actor.role === 'supplier_staff' || isOperator(actor)) || !supplierId)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_only');
	const sup = await getSupplier(supplierId);
	if (!sup) throw new AppError('forbidden', 'forbidden', 'lot.err.no_supplier_profile');
	if (sup.status === 'blocked' && !isOperator(actor))
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_blocked');
	const progress = opts.onProgress ?? (() => {});
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
	const base = await loadLotContext();
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
	const errors: ImportError[] = [];
	const headerName = (col: Col) =>
		cols[col] !== undefined ? header[cols[col]!]! : IMPORT_COLUMNS[col][0];
	const cellRef = (col: Col, row: number) =>
		cols[col] !== undefined ? `${columnLetter(cols[col]!)}${row}` : '';
	const push = (
		row: number,
		col: Col,
		e: { code: string; message: string; params?: Record<string, string | number> }
	) => errors.push({ row, column: headerName(col), cell: cellRef(col, row), ...e });

	for (const required of [
		'title',
		'category',
		'grade',
		'source',
		'tagPrice',
		'moq',
		'onHand'
	] as Col[])
		if (cols[required] === undefined)
			errors.push({
				row: 1,
				column: IMPORT_COLUMNS[required][0],
				cell: '',
				code: 'missing_column',
				message: 'import.err.missing_column',
				params: { column: IMPORT_COLUMNS[required][0] }
			});
	if (cols.unitPrice === undefined && cols.discount === undefined)
		errors.push({
			row: 1,
			column: IMPORT_COLUMNS.unitPrice[0],
			cell: '',
			code: 'missing_column',
			message: 'import.err.missing_column',
			params: { column: IMPORT_COLUMNS.unitPrice[0] }
		});

	const dataRows = sheet
		.slice(1)
		.map((cells, i) => ({ cells, row: i + 2 }))
		.filter((r) => r.cells.some((c) => str(c) !== ''));
	const total = dataRows.length;
	progress({ phase: 'read', done: total, total });
	if (total === 0 && errors.length === 0)
		errors.push({ row: 2, column: '', cell: '', code: 'empty', message: 'import.err.empty' });
	if (total > base.policy.catalog.importMaxRows)
		throw new AppError('rule', 'too_many_rows', 'import.err.too_many_rows', {
			field: 'file',
			params: { max: base.policy.catalog.importMaxRows }
		});

	const drafts: LotDraft[] = [];
	if (errors.length === 0) {
		for (const [k, { cells, row }] of dataRows.entries()) {
			const { input, errors: cellErrors } = rowToInput(cells, cols, ctx);
			for (const e of cellErrors) push(row, e.col, e);
			if (cellErrors.length === 0) {
				const r = LotCreateInput.safeParse(input);
				if (!r.success) {
					for (const issue of r.error.issues) {
						const field = String(issue.path[0] ?? 'title');
						push(row, COLUMN_OF_FIELD[field] ?? 'title', {
							code: 'invalid_input',
							message: issue.message
						});
					}
				} else {
					const { draft, issues } = draftFromCreate(r.data, base, sup, isOperator(actor));
					for (const i of issues)
						push(row, COLUMN_OF_FIELD[i.field.split('.')[0]!] ?? 'title', {
							code: i.code,
							message: i.message,
							params: i.params
						});
					if (issues.length === 0) drafts.push(draft);
				}
			}
			if ((k + 1) % 500 === 0) progress({ phase: 'check', done: k + 1, total });
		}
		progress({ phase: 'check', done: total, total });
	}
	if (errors.length) return { ok: false, rows: total, created: 0, errors, ids: [] };

	const ids = await db().transaction(async (tx) => {
		const out: string[] = [];
		const BATCH = 500;
		for (let k = 0; k < drafts.length; k += BATCH) {
			const batch = drafts.slice(k, k + BATCH).map((d) => ({
				...d,
				supplierId: sup.orgId,
				...derivedColumns(d, base, { hasDefectVideo: false, supplierName: sup.name })
			}));
			const rows = await tx.insert(lots).values(batch).returning({ id: lots.id });
			out.push(...rows.map((r) => r.id));
			progress({ phase: 'write', done: Math.min(k + BATCH, drafts.length), total });
		}
		return out;
	});
	progress({ phase: 'done', done: total, total });
	return { ok: true, rows: total, created: ids.length, errors: [], ids };
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
	actorLike: ActorLike,
	opts: { supplierId?: string; template?: boolean } = {}
): Promise<Buffer> {
	const actor = catalogActor(actorLike);
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
