import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { importLots, type ImportResult } from '../../src/lib/server/catalog/import';
import { createLot, updateLot } from '../../src/lib/server/catalog';
import { db } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { translator } from '../../src/lib/server/http';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';

// A supplier re-imports its stock sheet: rows whose 货号 matches one of its lots update the lot's
// stock, price, status and description through the same rules and write as editing the lot.

let sup: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
beforeAll(async () => {
	await seedReferenceData();
	sup = await makeAdmittedSupplier(await makeOperator(), '广州衣尚服饰厂');
});

const FULL = '货号,标题,品类,来源,品质,瑕疵说明,吊牌价,批发价,起批量,库存,状态,描述';
const sheet = (header: string, ...rows: string[]) => ({
	bytes: new TextEncoder().encode([header, ...rows].join('\n'))
});
const t = translator('zh-CN');
const bySku = async (orgId: string, skus: string[]) =>
	new Map(
		(await db().select().from(lots).where(inArray(lots.supplierSku, skus)))
			.filter((l) => l.supplierId === orgId)
			.map((l) => [l.supplierSku!, l])
	);
const kinds = (r: ImportResult) => r.preview.map((p) => `${p.row}:${p.kind}`);

/** Three B-grade T-shirts (tag ¥299, B band ¥29.90–¥44.85) with codes `${prefix}-1..3`. */
async function seedLots(prefix: string) {
	const r = await importLots(
		sup.principal,
		sheet(
			FULL,
			`${prefix}-1,纯棉圆领T恤,服装/女装/T恤,订单溢产,B,袖口线头,299,35,100,2000,上架,`,
			`${prefix}-2,印花短袖T恤,服装/女装/T恤,订单溢产,B,领口线头,299,35,100,800,上架,旧描述`,
			`${prefix}-3,宽松落肩T恤,服装/女装/T恤,订单溢产,B,线头,299,35,100,600,上架,`
		)
	);
	expect(r.errors).toEqual([]);
	expect(r.created).toBe(3);
	return bySku(sup.orgId, [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
}

describe('import that updates lots by 货号', () => {
	it('previews added / changed / unchanged rows without writing, then applies them in one go', async () => {
		const before = await seedLots('U');
		const file = sheet(
			FULL,
			'U-1,纯棉圆领T恤,服装/女装/T恤,订单溢产,B,袖口线头,299,40,100,1500,上架,',
			'U-2,印花短袖T恤,服装/女装/T恤,订单溢产,B,领口线头,299,35,100,800,上架,旧描述',
			'U-3,宽松落肩T恤,服装/女装/T恤,订单溢产,B,线头,299,35,100,600,下架,换季清仓',
			'U-4,新款T恤,服装/女装/T恤,过季清仓,A,,199,35,50,300,上架,'
		);
		const preview = await importLots(sup.principal, file, { dryRun: true });
		expect(preview.errors).toEqual([]);
		expect(preview).toMatchObject({ ok: true, dryRun: true, created: 0, updated: 0 });
		expect(kinds(preview)).toEqual(['2:changed', '3:unchanged', '4:changed', '5:added']);
		const changed = preview.preview.find((p) => p.row === 2);
		expect(changed).toMatchObject({
			kind: 'changed',
			lotId: before.get('U-1')!.id,
			changes: [
				{ field: 'onHand', before: 2000, after: 1500 },
				{ field: 'unitPriceFen', before: 3500, after: 4000 }
			]
		});
		// A dry run writes nothing.
		const still = await bySku(sup.orgId, ['U-1', 'U-3', 'U-4']);
		expect(still.get('U-1')).toMatchObject({ onHand: 2000, unitPriceFen: 3500 });
		expect(still.get('U-3')!.status).toBe('active');
		expect(still.has('U-4')).toBe(false);

		const applied = await importLots(sup.principal, file, { expectToken: preview.token });
		expect(applied.errors).toEqual([]);
		expect(applied).toMatchObject({
			ok: true,
			dryRun: false,
			created: 1,
			updated: 2,
			unchanged: 1
		});
		const after = await bySku(sup.orgId, ['U-1', 'U-2', 'U-3', 'U-4']);
		expect(after.get('U-1')).toMatchObject({ onHand: 1500, unitPriceFen: 4000 });
		// Stock went through the lot write: its version moved, so live counters refresh.
		expect(after.get('U-1')!.stockVersion).toBe(before.get('U-1')!.stockVersion + 1);
		expect(after.get('U-2')!.updatedAt).toEqual(before.get('U-2')!.updatedAt);
		expect(after.get('U-3')).toMatchObject({ status: 'archived', description: '换季清仓' });
		expect(after.get('U-3')!.stockVersion).toBe(before.get('U-3')!.stockVersion);
		expect(after.get('U-4')).toMatchObject({ title: '新款T恤', onHand: 300 });
	});

	it('takes a sheet of codes and stock alone, and leaves blank cells as they are', async () => {
		const before = await seedLots('S');
		const r = await importLots(sup.principal, sheet('货号,库存,批发价', 'S-1,1999,', 'S-2,,36'));
		expect(r.errors).toEqual([]);
		expect(r.updated).toBe(2);
		const after = await bySku(sup.orgId, ['S-1', 'S-2']);
		expect(after.get('S-1')).toMatchObject({ onHand: 1999, unitPriceFen: 3500 });
		expect(after.get('S-2')).toMatchObject({
			onHand: before.get('S-2')!.onHand,
			unitPriceFen: 3600
		});
	});

	it('refuses the whole sheet when one row sets stock below what is locked or a price outside the band', async () => {
		const before = await seedLots('R');
		await db()
			.update(lots)
			.set({ locked: 40, allocated: 10 })
			.where(eq(lots.id, before.get('R-1')!.id));
		const r = await importLots(
			sup.principal,
			sheet('货号,库存,批发价,状态', 'R-1,30,,', 'R-2,,60,', 'R-3,100,,下架', 'R-4,5,,')
		);
		expect(r.ok).toBe(false);
		expect(r.created + r.updated).toBe(0);
		const at = (row: number) => r.errors.filter((e) => e.row === row);
		expect(at(2).map((e) => `${e.column}:${e.code}`)).toEqual(['库存:stock_below_reserved']);
		expect(t(at(2)[0]!.message, at(2)[0]!.params)).toBe(
			'库存不能低于已锁定和已分配的数量（50 件：直播锁定 40，订单占用 10）。'
		);
		expect(at(3).map((e) => `${e.column}:${e.code}`)).toEqual(['批发价:price_out_of_band']);
		expect(t(at(3)[0]!.message, at(3)[0]!.params)).toContain('B 品价格须在吊牌价的 10%–15%');
		expect(at(4)).toEqual([]);
		// R-4 is no lot of this supplier: a new lot needs the other columns.
		expect(at(1).map((e) => e.code)).toContain('missing_column');
		expect(kinds(r)).toEqual(['2:refused', '3:refused', '4:changed', '5:refused']);
		// All or nothing: the good row R-3 was not applied either.
		const after = await bySku(sup.orgId, ['R-1', 'R-2', 'R-3']);
		expect(after.get('R-1')!.onHand).toBe(2000);
		expect(after.get('R-2')!.unitPriceFen).toBe(3500);
		expect(after.get('R-3')).toMatchObject({ onHand: 600, status: 'active' });
	});

	it('refuses an apply as stale when stock moved after the preview, and applies a fresh one', async () => {
		const before = await seedLots('P');
		const file = sheet('货号,库存', 'P-1,1800', 'P-2,700');
		const preview = await importLots(sup.principal, file, { dryRun: true });
		expect(preview.ok).toBe(true);
		// A live show locks 5 pieces of P-2 between the preview and the confirmation.
		await db()
			.update(lots)
			.set({ locked: 5 })
			.where(eq(lots.id, before.get('P-2')!.id));
		const stale = await importLots(sup.principal, file, { expectToken: preview.token });
		expect(stale).toMatchObject({ ok: false, stale: true, created: 0, updated: 0 });
		expect(stale.errors.map((e) => e.code)).toEqual(['import_stale']);
		expect(stale.token).not.toBe(preview.token);
		expect((await bySku(sup.orgId, ['P-1'])).get('P-1')!.onHand).toBe(2000);
		const fresh = await importLots(sup.principal, file, { expectToken: stale.token });
		expect(fresh).toMatchObject({ ok: true, updated: 2 });
		const after = await bySku(sup.orgId, ['P-1', 'P-2']);
		expect(after.get('P-1')!.onHand).toBe(1800);
		expect(after.get('P-2')).toMatchObject({ onHand: 700, locked: 5 });
	});

	it('refuses a code twice in one sheet, and existing codes in create mode', async () => {
		await seedLots('D');
		const dup = await importLots(sup.principal, sheet('货号,库存', 'D-1,10', 'D-1,20'));
		expect(dup.errors.map((e) => `${e.row}:${e.column}:${e.code}`)).toEqual([
			'3:货号:duplicate_sku'
		]);
		const create = await importLots(sup.principal, sheet('货号,库存', 'D-2,10'), {
			mode: 'create'
		});
		expect(create.errors.map((e) => `${e.row}:${e.code}`)).toContain('2:sku_taken');
		// Another supplier's codes are its own: the same code creates a lot there.
		const other = await makeAdmittedSupplier(await makeOperator());
		const r = await importLots(
			other.principal,
			sheet(FULL, 'D-1,纯棉圆领T恤,服装/女装/T恤,订单溢产,B,袖口线头,299,35,100,2000,上架,')
		);
		expect(r).toMatchObject({ ok: true, created: 1, updated: 0 });
	});

	it('keeps 货号 unique per supplier on the lot form and API too', async () => {
		const lots1 = await seedLots('F');
		await expect(
			updateLot(sup.principal, lots1.get('F-2')!.id, { supplierSku: 'F-1' })
		).rejects.toMatchObject({ status: 409, code: 'sku_taken', field: 'supplierSku' });
		await expect(
			createLot(sup.principal, {
				title: '另一件T恤',
				categoryPath: 'apparel/women/tshirts',
				source: 'factory_overrun',
				grade: 'A',
				tagPriceFen: 10000,
				unitPriceFen: 1800,
				moq: 1,
				onHand: 10,
				supplierSku: 'F-3'
			})
		).rejects.toMatchObject({ status: 409, code: 'sku_taken' });
		const cleared = await updateLot(sup.principal, lots1.get('F-2')!.id, { supplierSku: null });
		expect(cleared.supplierSku).toBeNull();
	});
});

describe('import problems', () => {
	it('lists every problem of every row in one pass', async () => {
		const header = '标题,品类,来源,品质,瑕疵说明,吊牌价,批发价,起批量,库存';
		const r = await importLots(
			sup.principal,
			sheet(
				header,
				// bad category, bad source, MOQ 0: all three at once
				'纯棉T恤,不存在的品类,路边捡的,A,,199,35,0,100',
				// bad grade letter, missing stock, price outside the A band
				'印花T恤,服装/女装/T恤,订单溢产,D,,199,90,50,',
				// grade C without a defect, and a price outside the C band, with a bad category
				'宽松T恤,没有这个,订单溢产,C,,99,50,50,100'
			)
		);
		expect(r.ok).toBe(false);
		const at = (row: number) =>
			r.errors
				.filter((e) => e.row === row)
				.map((e) => `${e.column}:${e.code}`)
				.sort();
		expect(at(2)).toEqual(['品类:invalid_input', '来源:invalid_input', '起批量:invalid_input']);
		expect(at(3)).toEqual(['品质:invalid_input', '库存:invalid_input']);
		expect(at(4)).toEqual([
			'品类:invalid_input',
			'批发价:price_out_of_band',
			'瑕疵说明:defect_required'
		]);
		for (const e of r.errors) expect(t(e.message, e.params)).toMatch(/[\u4e00-\u9fff]/);
	});
});
