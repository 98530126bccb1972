// The supplier's lots as an XLSX workbook the import reads back.
import ExcelJS from 'exceljs';
import type { Principal } from '../auth/principal';
import { eq } from 'drizzle-orm';
import { bpToPercentString, fenToYuanString } from '$lib/domain/money';
import { db } from '../db';
import { brands, lots } from '../db/schema';
import { AppError } from '../errors';
import { isOperator } from './actor';
import { IMPORT_COLUMNS } from './import-sheet';
import { loadLotContext } from './lot-rules';

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
