// Fixtures for the trade cart / checkout / payment tests: the demo's suppliers, host and operator,
// a fresh buyer per test, lots set up exactly (stock, MOQ, warehouse, terms) and partner rates.
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { freightRates, lots, tradeLotTerms } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { makeUser } from './users';

export async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

/** Active lots of a demo supplier (by its user's email), oldest first. */
export async function lotsOfSupplier(email: string, n: number): Promise<string[]> {
	const rows = await execRows<{ id: string }>(sql`
		select l.id from lots l join users u on u.org_id = l.supplier_id
		where u.email = ${email} order by l.seq limit ${n}`);
	return rows.map((r) => r.id);
}

export interface LotSetup {
	onHand?: number;
	moq?: number;
	unitPriceFen?: number;
	province?: string;
	city?: string;
	status?: 'active' | 'blocked';
	/** Trade terms; null removes the lot's terms row (step 1, no breaks). */
	terms?: {
		step?: number;
		piecesPerCarton?: number;
		priceBreaks?: { minQuantity: number; unitPriceFen: number }[];
	} | null;
}

/** Puts a lot exactly in the state a test needs (counters zeroed, then `onHand`). */
export async function setupLot(id: string, s: LotSetup = {}): Promise<void> {
	await db()
		.update(lots)
		.set({
			onHand: s.onHand ?? 1000,
			locked: 0,
			allocated: 0,
			moq: s.moq ?? 1,
			...(s.unitPriceFen ? { unitPriceFen: s.unitPriceFen, priceOverride: true } : {}),
			warehouseProvince: s.province ?? '广东省',
			warehouseCity: s.city ?? '广州市',
			status: s.status ?? 'active'
		})
		.where(eq(lots.id, id));
	await db().delete(tradeLotTerms).where(eq(tradeLotTerms.lotId, id));
	if (s.terms) {
		await db()
			.insert(tradeLotTerms)
			.values({
				lotId: id,
				step: s.terms.step ?? 1,
				piecesPerCarton: s.terms.piecesPerCarton ?? 1,
				priceBreaks: s.terms.priceBreaks ?? []
			});
	}
}

/** A partner rate tier (the seed's 广州→济南 shape: market ¥2000 / partner ¥1600 for 500). */
export async function rate(
	origin: string,
	dest: string,
	t: Partial<{
		minPieces: number;
		partnerBaseFen: number;
		partnerPerPieceFen: number;
		marketBaseFen: number;
		marketPerPieceFen: number;
		carrier: string;
	}> = {}
): Promise<void> {
	const v = {
		originProvince: origin,
		destProvince: dest,
		minPieces: t.minPieces ?? 1,
		partnerBaseFen: t.partnerBaseFen ?? 10_000,
		partnerPerPieceFen: t.partnerPerPieceFen ?? 300,
		marketBaseFen: t.marketBaseFen ?? 20_000,
		marketPerPieceFen: t.marketPerPieceFen ?? 360,
		carrier: t.carrier ?? '德邦物流'
	};
	await db()
		.insert(freightRates)
		.values(v)
		.onConflictDoUpdate({
			target: [freightRates.originProvince, freightRates.destProvince, freightRates.minPieces],
			set: v
		});
}

export const SHIP_TO = {
	name: '李老板',
	phone: '13900139000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 88 号 3 档口'
};

export const newBuyer = () => makeUser('buyer');

/** Lot counters, checked against the stock invariant. */
export async function counters(lotId: string) {
	const [l] = await db()
		.select({ onHand: lots.onHand, locked: lots.locked, allocated: lots.allocated })
		.from(lots)
		.where(eq(lots.id, lotId));
	expect(l!.locked + l!.allocated).toBeLessThanOrEqual(l!.onHand);
	return l!;
}

/** Rows in the trade tables a checkout writes (to prove a refusal wrote nothing). */
export async function tradeRowCounts() {
	const [r] = await execRows<Record<string, number>>(sql`select
		(select count(*)::int from trade_checkouts) as checkouts,
		(select count(*)::int from trade_orders) as orders,
		(select count(*)::int from trade_order_lines) as lines,
		(select count(*)::int from trade_order_events) as events,
		(select count(*)::int from trade_payment_intents) as intents,
		(select coalesce(sum(allocated), 0)::int from lots) as allocated`);
	return r!;
}
