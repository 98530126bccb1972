// Reading an import sheet: the file (CSV in UTF-8 or GB18030, or XLSX) into cells, the columns it
// may have, and one row into a lot input with its cell-level errors.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { parsePercentBp, parseYuan } from '$lib/domain/money';
import { parseSizeList } from '$lib/catalog/sizes';
import { AppError } from '../errors';
import type { LotContext } from './lot-rules';
import type { CategoryNode } from './reference';

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
export type Col = keyof typeof IMPORT_COLUMNS;

/** Columns a sheet needs when some row creates a lot (a price column too: 批发价 or 折扣). */
export const REQUIRED_FOR_CREATE: Col[] = [
	'title',
	'category',
	'grade',
	'source',
	'tagPrice',
	'moq',
	'onHand'
];

/** Which import column a LotCreateInput field's problem belongs to. */
export const COLUMN_OF_FIELD: Record<string, Col> = {
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

export type Cell = string | number | boolean | null;

// ------------------------------------------------------------------ reading files

export function columnLetter(i: number): string {
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

export const str = (c: Cell | undefined) => (c === null || c === undefined ? '' : String(c).trim());

export interface RowContext extends LotContext {
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
export function rowToInput(
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
