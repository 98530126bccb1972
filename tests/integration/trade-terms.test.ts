import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLot } from '../../src/lib/server/catalog';
import type { Principal } from '../../src/lib/server/auth/principal';
import { db } from '../../src/lib/server/db';
import { tradeLotTerms } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { translator } from '../../src/lib/server/http';
import { savePolicy } from '../../src/lib/server/platform/policy';
import { getLotTerms, setLotTerms } from '../../src/lib/server/trade';
import { makeAdmittedSupplier, makeOperator, seedReferenceData } from '../helpers/catalog';
import { makeUser } from '../helpers/users';

// A supplier's wholesale terms of a lot (src/lib/server/trade/terms.ts): only the lot's supplier
// and operators; price breaks checked whole against the grade band (domain validatePriceBreaks);
// nothing written on a refusal; sample settings left alone.

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

let operator: Principal;
let supA: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let supB: Awaited<ReturnType<typeof makeAdmittedSupplier>>;
let buyer: Awaited<ReturnType<typeof makeUser>>;
let lotId = '';
let overrideLotId = '';

/** Grade B, tag ¥299, unit ¥35: the band is ¥29.90–¥44.85, so breaks go ¥29.90…¥34.99. */
const tee = (over: Record<string, unknown> = {}) => ({
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
	...over
});

beforeAll(async () => {
	await seedReferenceData();
	operator = await makeOperator();
	supA = await makeAdmittedSupplier(operator, '广州衣尚服饰厂');
	supB = await makeAdmittedSupplier(operator, '晋江步云鞋业');
	buyer = await makeUser('buyer');
	lotId = (await createLot(supA.principal, tee())).id;
	overrideLotId = (
		await createLot(
			operator,
			tee({ unitPriceFen: 9000, priceOverride: true, supplierId: supA.orgId })
		)
	).id;
});

describe('lot trade terms', () => {
	it('shows the defaults and the band before anything is saved', async () => {
		const v = await getLotTerms(supA.principal, lotId);
		expect(v).toMatchObject({
			lotId,
			step: 1,
			piecesPerCarton: 1,
			priceBreaks: [],
			updatedAt: null,
			maxPriceBreaks: 5,
			lot: { grade: 'B', tagPriceFen: 29900, unitPriceFen: 3500, moq: 100, priceOverride: false },
			band: { minFen: 2990, maxFen: 4485 }
		});
	});

	it('saves step, carton size and breaks inside the band, and saves again over them', async () => {
		const at = new Date('2026-12-02T08:00:00Z');
		const v = await setLotTerms(
			supA.principal,
			lotId,
			{
				step: 10,
				piecesPerCarton: 50,
				priceBreaks: [
					{ minQuantity: 200, unitPriceFen: 3300 },
					{ minQuantity: 500, unitPriceFen: 2990 }
				]
			},
			at
		);
		expect(v.step).toBe(10);
		expect(v.piecesPerCarton).toBe(50);
		expect(v.priceBreaks).toEqual([
			{ minQuantity: 200, unitPriceFen: 3300 },
			{ minQuantity: 500, unitPriceFen: 2990 }
		]);
		expect(v.updatedAt).toBe(at.toISOString());
		// an operator edits it too, and emptying the breaks is allowed
		const w = await setLotTerms(operator, lotId, { step: 5, piecesPerCarton: 20, priceBreaks: [] });
		expect(w).toMatchObject({ step: 5, piecesPerCarton: 20, priceBreaks: [] });
		expect((await getLotTerms(supA.principal, lotId)).step).toBe(5);
	});

	it('refuses a break outside the grade band with the field and the band in the message, writing nothing', async () => {
		await setLotTerms(supA.principal, lotId, {
			step: 10,
			piecesPerCarton: 50,
			priceBreaks: [{ minQuantity: 200, unitPriceFen: 3300 }]
		});
		const e = await caught(
			setLotTerms(supA.principal, lotId, {
				step: 1,
				piecesPerCarton: 1,
				priceBreaks: [
					{ minQuantity: 200, unitPriceFen: 3300 },
					{ minQuantity: 1000, unitPriceFen: 2989 }
				]
			})
		);
		expect(e.status).toBe(422);
		expect(e.code).toBe('rule_violation');
		expect(e.field).toBe('priceBreaks.1.unitPriceFen');
		const zh = e.toJSON(translator('zh-CN')).error;
		expect(zh.message).toContain('¥29.90–¥44.85');
		expect(e.toJSON(translator('en')).error.message).toContain('band ¥29.90–¥44.85');
		const [row] = await db().select().from(tradeLotTerms).where(eq(tradeLotTerms.lotId, lotId));
		expect(row).toMatchObject({ step: 10, piecesPerCarton: 50 });
		expect(row!.priceBreaks).toEqual([{ minQuantity: 200, unitPriceFen: 3300 }]);
	});

	it('reports every bad break at once: quantities at the MOQ or not increasing, prices not decreasing', async () => {
		const e = await caught(
			setLotTerms(supA.principal, lotId, {
				step: 1,
				piecesPerCarton: 1,
				priceBreaks: [
					{ minQuantity: 100, unitPriceFen: 3400 },
					{ minQuantity: 300, unitPriceFen: 3500 },
					{ minQuantity: 300, unitPriceFen: 3000 }
				]
			})
		);
		expect(e.status).toBe(422);
		const body = e.toJSON(translator('en')).error;
		const fields = (body.issues as { field: string }[]).map((i) => i.field);
		expect(fields).toEqual([
			'priceBreaks.0.minQuantity',
			'priceBreaks.1.unitPriceFen',
			'priceBreaks.2.minQuantity'
		]);
		expect(body.message).toContain('at least 101');
	});

	it('refuses more breaks than the policy allows (the operator may lower it)', async () => {
		const six = [1, 2, 3, 4, 5, 6].map((i) => ({
			minQuantity: 100 + i * 100,
			unitPriceFen: 3500 - i * 50
		}));
		const e = await caught(
			setLotTerms(supA.principal, lotId, { step: 1, piecesPerCarton: 1, priceBreaks: six })
		);
		expect(e.field).toBe('priceBreaks');
		expect(e.status).toBe(422);
		await savePolicy(operator, { changes: { 'trade.cart.maxPriceBreaks': 1 }, reason: '测试' });
		try {
			const two = six.slice(0, 2);
			const f = await caught(
				setLotTerms(supA.principal, lotId, { step: 1, piecesPerCarton: 1, priceBreaks: two })
			);
			expect(f.toJSON(translator('zh-CN')).error.message).toContain('1 档');
			expect((await getLotTerms(supA.principal, lotId)).maxPriceBreaks).toBe(1);
		} finally {
			await savePolicy(operator, { changes: { 'trade.cart.maxPriceBreaks': 5 }, reason: '恢复' });
		}
	});

	it('lets breaks leave the band when the operator allowed the lot’s price outside it', async () => {
		const v = await setLotTerms(supA.principal, overrideLotId, {
			step: 1,
			piecesPerCarton: 10,
			priceBreaks: [{ minQuantity: 500, unitPriceFen: 8000 }]
		});
		expect(v.priceBreaks).toEqual([{ minQuantity: 500, unitPriceFen: 8000 }]);
		expect(v.lot.priceOverride).toBe(true);
	});

	it('validates the input shape with 400 naming the field', async () => {
		for (const [raw, field] of [
			[{ step: 0, piecesPerCarton: 1 }, 'step'],
			[{ step: 1.5, piecesPerCarton: 1 }, 'step'],
			[{ step: 1, piecesPerCarton: '10' }, 'piecesPerCarton'],
			[
				{ step: 1, piecesPerCarton: 1, priceBreaks: [{ minQuantity: 200 }] },
				'priceBreaks.0.unitPriceFen'
			],
			[{ step: 1, piecesPerCarton: 1, extra: true }, 'extra']
		] as const) {
			const e = await caught(setLotTerms(supA.principal, lotId, raw));
			expect(e.status, JSON.stringify(raw)).toBe(400);
			expect(e.field).toBe(field);
		}
	});

	it('hides the lot from other suppliers and buyers (404), and refuses nobody signed in (401)', async () => {
		const ok = { step: 1, piecesPerCarton: 1, priceBreaks: [] };
		for (const p of [supB.principal, buyer.principal]) {
			expect((await caught(getLotTerms(p, lotId))).status).toBe(404);
			expect((await caught(setLotTerms(p, lotId, ok))).status).toBe(404);
		}
		expect((await caught(setLotTerms(null, lotId, ok))).status).toBe(401);
		expect((await caught(getLotTerms(supA.principal, 'not-a-uuid'))).status).toBe(404);
		expect(
			(await caught(getLotTerms(supA.principal, '00000000-0000-4000-8000-000000000000'))).status
		).toBe(404);
	});

	it('keeps the sample settings a save does not touch', async () => {
		await db()
			.update(tradeLotTerms)
			.set({ samplesEnabled: true, samplePriceFen: 4000 })
			.where(eq(tradeLotTerms.lotId, lotId));
		await setLotTerms(supA.principal, lotId, { step: 2, piecesPerCarton: 4, priceBreaks: [] });
		const [row] = await db().select().from(tradeLotTerms).where(eq(tradeLotTerms.lotId, lotId));
		expect(row).toMatchObject({ step: 2, samplesEnabled: true, samplePriceFen: 4000 });
		expect((await getLotTerms(supA.principal, lotId)).samples).toEqual({
			enabled: true,
			priceFen: 4000,
			piecesMax: 5
		});
	});

	it('sets the sample settings when sent, within the policy’s sample bounds', async () => {
		const v = await setLotTerms(supA.principal, lotId, {
			step: 2,
			piecesPerCarton: 4,
			samples: { enabled: false, priceFen: 6000, piecesMax: 3 }
		});
		expect(v.samples).toEqual({ enabled: false, priceFen: 6000, piecesMax: 3 });
		for (const [samples, field] of [
			[{ enabled: true, priceFen: 6000, piecesMax: 2 }, 'samples.piecesMax'],
			[{ enabled: true, priceFen: 6000, piecesMax: 6 }, 'samples.piecesMax'],
			[{ enabled: true, priceFen: 1_000_001, piecesMax: 5 }, 'samples.priceFen'],
			[{ enabled: 'yes', priceFen: 6000, piecesMax: 5 }, 'samples.enabled']
		] as const) {
			const e = await caught(
				setLotTerms(supA.principal, lotId, { step: 1, piecesPerCarton: 1, samples })
			);
			expect(e.status, JSON.stringify(samples)).toBe(400);
			expect(e.field).toBe(field);
		}
		expect((await getLotTerms(supA.principal, lotId)).samples.priceFen).toBe(6000);
	});

	it('shows the policy’s sample defaults for a lot without terms', async () => {
		expect((await getLotTerms(supA.principal, overrideLotId)).samples).toMatchObject({
			priceFen: 5000,
			piecesMax: 5
		});
	});
});
