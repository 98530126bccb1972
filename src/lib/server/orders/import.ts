import { sheetDateTime } from '$lib/domain/input';
import type { Principal } from '../auth/principal';
import { readSheet } from '../catalog/import-sheet';
import { AppError } from '../errors';
import { authorizeShow } from '../live/access';
import { bulkShip, readShipSheet, type BulkShipReport } from './fulfil';
import { placeOrder } from './place';
import { zodIssueParams } from '../zod-messages';
import { OrderInput } from './schemas';

type Cell = string | number | boolean | null;
const str = (c: Cell | undefined) => (c === null || c === undefined ? '' : String(c)).trim();

async function sheetRows(bytes: Uint8Array): Promise<string[][]> {
	const rows = await readSheet(bytes);
	return rows.map((r) => r.map((c) => str(c)));
}

/** Marks fulfilments shipped from an uploaded CSV/XLSX of tracking numbers. */
export async function bulkShipSheet(actor: Principal, bytes: Uint8Array): Promise<BulkShipReport> {
	const rows = readShipSheet(await sheetRows(bytes));
	if (rows instanceof AppError) throw rows;
	return bulkShip(actor, rows);
}

const HEADERS: Record<string, string[]> = {
	externalId: ['externalid', 'external_id', 'order', '订单号', '平台订单号'],
	lotId: ['lotid', 'lot_id', 'lot', '货品id', '货号'],
	quantity: ['quantity', 'qty', '数量'],
	unitPrice: ['unitprice', 'unit_price', 'price', '单价', '单价(分)'],
	name: ['name', '收件人', '姓名'],
	phone: ['phone', '电话', '手机'],
	province: ['province', '省', '省份'],
	city: ['city', '市', '城市'],
	district: ['district', '区', '区县'],
	address: ['address', '地址', '详细地址'],
	paidAt: ['paidat', 'paid_at', '付款时间', '支付时间']
};

export interface OrderImportReport {
	ok: boolean;
	/** Messages are catalogue keys until the HTTP edge translates them (`params` fill them). */
	errors: {
		row: number;
		column: string;
		message: string;
		params?: Record<string, string | number>;
	}[];
	orders: {
		row: number;
		externalId: string;
		ok: boolean;
		orderId?: string;
		created?: boolean;
		message?: string;
		params?: Record<string, string | number>;
	}[];
}

/**
 * Orders from a CSV/XLSX sheet: one row per line, rows with the same externalId form one order.
 * Every row is checked first; any invalid row → nothing is placed and every problem is listed
 * (row, column, message). Valid sheets go order by order through the same service as the API
 * (idempotent on externalId, so re-uploading a sheet places nothing twice); an order refused
 * for stock is reported on its first row.
 */
export async function importOrders(
	actor: Principal,
	showId: string,
	bytes: Uint8Array
): Promise<OrderImportReport> {
	await authorizeShow(actor, showId, 'write');
	const [header, ...body] = await sheetRows(bytes);
	if (!header)
		throw new AppError('invalid', 'invalid_input', 'orders.err.sheet_empty', { field: 'file' });
	const norm = header.map((h) => h.toLowerCase().replace(/\s+/g, ''));
	const col: Record<string, number> = {};
	const errors: OrderImportReport['errors'] = [];
	for (const [key, names] of Object.entries(HEADERS)) {
		col[key] = norm.findIndex((h) => names.includes(h));
		if (col[key]! < 0 && key !== 'district' && key !== 'paidAt') {
			errors.push({
				row: 1,
				column: key,
				message: 'import.err.missing_column',
				params: { column: names[names.length - 1]! }
			});
		}
	}
	if (errors.length) return { ok: false, errors, orders: [] };
	const groups = new Map<
		string,
		{ row: number; input: Record<string, unknown>; lines: unknown[] }
	>();
	body.forEach((r, i) => {
		const row = i + 2;
		if (r.every((c) => c === '')) return;
		const get = (k: string) => (col[k]! >= 0 ? (r[col[k]!] ?? '') : '');
		const externalId = get('externalId');
		let g = groups.get(externalId);
		if (!g) {
			g = {
				row,
				input: {
					externalId,
					showId,
					// a sheet's 2026-11-26 12:00 is China time; the schema takes ISO 8601 with offset
					paidAt: sheetDateTime(get('paidAt')) || new Date().toISOString(),
					shipTo: {
						name: get('name'),
						phone: get('phone'),
						province: get('province'),
						city: get('city'),
						district: get('district'),
						address: get('address')
					}
				},
				lines: []
			};
			groups.set(externalId, g);
		}
		const line = {
			lotId: get('lotId'),
			quantity: Number(get('quantity')),
			unitPrice: Number(get('unitPrice'))
		};
		g.lines.push(line);
		const check = OrderInput.safeParse({ ...g.input, lines: [line] });
		if (!check.success) {
			for (const issue of check.error.issues) {
				// An order's address and payment time are read from its first row only.
				if (g.row !== row && issue.path[0] !== 'lines') continue;
				const path = issue.path.filter((p) => p !== 0 && p !== 'lines' && p !== 'shipTo');
				errors.push({
					row,
					column: String(path[path.length - 1] ?? 'row'),
					message: issue.message,
					params: zodIssueParams(issue)
				});
			}
		}
	});
	if (errors.length) return { ok: false, errors, orders: [] };
	const report: OrderImportReport = { ok: true, errors: [], orders: [] };
	for (const [externalId, g] of groups) {
		try {
			const r = await placeOrder(actor, { ...g.input, lines: g.lines }, 'import');
			report.orders.push({
				row: g.row,
				externalId,
				ok: true,
				orderId: r.order.id,
				created: r.created
			});
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			report.ok = false;
			report.orders.push({
				row: g.row,
				externalId,
				ok: false,
				message: e.message,
				params: e.params
			});
		}
	}
	return report;
}
