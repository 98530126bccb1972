import ExcelJS from 'exceljs';
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportLotsXlsx } from '../../src/lib/server/catalog/export-sheet';
import { importLots, type ImportProgress } from '../../src/lib/server/catalog/import';
import { db } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { translator } from '../../src/lib/server/http';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';
import { makeUser } from '../helpers/users';

let sup: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
beforeAll(async () => {
	await seedReferenceData();
	sup = await makeAdmittedSupplier(await makeOperator(), '广州衣尚服饰厂');
});

const lotCount = async (orgId: string) =>
	Number((await db().select({ n: count() }).from(lots).where(eq(lots.supplierId, orgId)))[0]!.n);

const HEADER =
	'标题,品类,品牌,来源,品质,瑕疵说明,吊牌价,批发价,折扣,起批量,库存,尺码分布,一件代发,属性';
const good1 =
	'纯棉圆领T恤,服装/女装/T恤,衣尚,订单溢产,B,袖口线头,299,35,,100,2000,"S:100, M:300, XL:50",是,';
const good2 =
	'碎花雪纺连衣裙,apparel/women/dresses,Yishang,season_clearance,A,,199.00,,17.5,50,500,,否,';
const good3 =
	'连帽羽绒服,羽绒服,,过季清仓,C,局部染色印记,999,70,,500,5000,,,衣长=长款; 填充物=80%灰鸭绒';

function csv(...rows: string[]) {
	return { bytes: new TextEncoder().encode([HEADER, ...rows].join('\n')) };
}

describe('import', () => {
	it('writes every row of a clean CSV, deriving prices and attributes', async () => {
		const before = await lotCount(sup.orgId);
		const phases: ImportProgress['phase'][] = [];
		const r = await importLots(sup.principal, csv(good1, good2, good3), {
			onProgress: (p) => phases.push(p.phase)
		});
		expect(r.errors).toEqual([]);
		expect(r).toMatchObject({ ok: true, rows: 3, created: 3 });
		expect(phases).toContain('write');
		expect(phases.at(-1)).toBe('done');
		expect(await lotCount(sup.orgId)).toBe(before + 3);
		const [dress] = await db().select().from(lots).where(eq(lots.id, r.ids[1]!));
		expect(dress).toMatchObject({
			unitPriceFen: 3483,
			dropshipAllowed: false,
			categoryPath: 'apparel/women/dresses'
		});
		const [down] = await db().select().from(lots).where(eq(lots.id, r.ids[2]!));
		expect(down!.attributes).toEqual({ length: 'long', fill: 'grey_duck_80' });
		expect(down!.categoryPath).toBe('apparel/men/down-jackets');
	});

	it('writes nothing when some rows are bad, and reports each by row, column and message', async () => {
		const before = await lotCount(sup.orgId);
		const badPrice = '印花短袖T恤,服装/女装/T恤,衣尚,订单溢产,B,线头,299,60,,100,2000,,是,'; // 20% > B band
		const noDefect = '宽松落肩T恤,服装/女装/T恤,衣尚,订单溢产,C,,99,8,,100,2000,,是,';
		const badCells = '莫代尔打底衫,不存在的品类,无名牌,订单溢产,A,,abc,,,十,2000,S-10,也许,';
		const r = await importLots(sup.principal, csv(good1, badPrice, good2, noDefect, badCells));
		expect(r.ok).toBe(false);
		expect(r.created).toBe(0);
		expect(await lotCount(sup.orgId)).toBe(before);
		const at = (row: number) =>
			r.errors.filter((e) => e.row === row).map((e) => `${e.column}:${e.code}`);
		expect(at(2)).toEqual([]);
		expect(at(3)).toEqual(['批发价:price_out_of_band']);
		expect(at(5)).toEqual(['瑕疵说明:defect_required']);
		expect(at(6)).toEqual(
			expect.arrayContaining([
				'品类:invalid_input',
				'品牌:invalid_input',
				'吊牌价:invalid_input',
				'起批量:invalid_input',
				'尺码分布:invalid_input',
				'一件代发:invalid_input'
			])
		);
		const band = r.errors.find((e) => e.row === 3)!;
		expect(band.cell).toBe('H3');
		const t = translator('zh-CN');
		expect(t(band.message, band.params)).toContain('B 品价格须在吊牌价的 10%–15%');
	});

	it('reads XLSX the same way, and reports missing columns', async () => {
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('货盘');
		ws.addRow(HEADER.split(','));
		ws.addRow([
			'通勤双肩包',
			'bags/backpacks',
			'步云',
			'wholesaler_stock',
			'A',
			null,
			149,
			25,
			null,
			50,
			600,
			'均码:600',
			'yes',
			null
		]);
		ws.addRow([
			'学生书包',
			'bags/backpacks',
			null,
			'wholesaler_stock',
			'B',
			null,
			149,
			20,
			null,
			50,
			600,
			null,
			null,
			null
		]);
		const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
		const bad = await importLots(sup.principal, { bytes });
		expect(bad.ok).toBe(false);
		expect(bad.errors).toEqual([
			expect.objectContaining({ row: 3, column: '瑕疵说明', code: 'defect_required', cell: 'F3' })
		]);
		ws.getCell('F3').value = '拉链轻微划痕';
		const ok = await importLots(sup.principal, {
			bytes: new Uint8Array(await wb.xlsx.writeBuffer())
		});
		expect(ok).toMatchObject({ ok: true, created: 2 });

		const missing = await importLots(sup.principal, {
			bytes: new TextEncoder().encode('标题,品类\n连衣裙,apparel/women/dresses')
		});
		expect(missing.ok).toBe(false);
		expect(missing.errors.map((e) => e.column)).toEqual(
			expect.arrayContaining(['品质', '吊牌价', '批发价'])
		);
	});

	it('reads a GB18030 CSV as Excel in China saves it', async () => {
		const text = [HEADER, good1].join('\r\n');
		// GB18030 bytes for the text (no encoder in Node; go through a round trip of the decoder's table)
		const bytes = encodeGb18030(text);
		const r = await importLots(sup.principal, { bytes });
		expect(r.errors).toEqual([]);
		expect(r.created).toBe(1);
	});

	it('refuses buyers, and exports the supplier’s lots to XLSX that imports back', async () => {
		const buyer = await makeUser('buyer');
		await expect(importLots(buyer.principal, csv(good1))).rejects.toMatchObject({ status: 403 });
		const xlsx = await exportLotsXlsx(sup.principal);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
		const ws = wb.worksheets[0]!;
		expect(ws.rowCount).toBe((await lotCount(sup.orgId)) + 1);
		expect(ws.getRow(1).getCell(2).value).toBe('标题');
		const other = await makeAdmittedSupplier(await makeOperator());
		const again = await importLots(other.principal, { bytes: new Uint8Array(xlsx) });
		expect(again.errors).toEqual([]);
		expect(again.created).toBe(ws.rowCount - 1);
	});
});

/** GB18030-encodes text by inverting the decoder over the BMP (test helper; slow but tiny input). */
function encodeGb18030(text: string): Uint8Array {
	const dec = new TextDecoder('gb18030');
	const table = new Map<string, number[]>();
	const need = new Set([...text].filter((c) => c.charCodeAt(0) > 127));
	for (let a = 0x81; a <= 0xfe && need.size > table.size; a++)
		for (let b = 0x40; b <= 0xfe; b++) {
			if (b === 0x7f) continue;
			const ch = dec.decode(new Uint8Array([a, b]));
			if (need.has(ch) && !table.has(ch)) table.set(ch, [a, b]);
		}
	const out: number[] = [];
	for (const c of text) {
		if (c.charCodeAt(0) <= 127) out.push(c.charCodeAt(0));
		else {
			const bytes = table.get(c);
			if (!bytes) throw new Error(`no GB18030 two-byte code for ${c}`);
			out.push(...bytes);
		}
	}
	return new Uint8Array(out);
}
