import { and, asc, eq, sql } from 'drizzle-orm';
import { quoteFreight, type FreightQuote } from '$lib/domain/orders';
import type { Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import { freightRates } from '../db/schema';
import { forbidden, parse } from '../errors';
import { FreightQuoteInput } from './schemas';
import { z } from '$lib/server/validation';

/** Partner vs market freight for a route and piece count; null when no partner serves it. */
export async function freightQuote(
	raw: unknown,
	tx: DbOrTx = db()
): Promise<(FreightQuote & { origin: string; dest: string }) | null> {
	const q = parse(FreightQuoteInput, raw);
	const tiers = await tx
		.select()
		.from(freightRates)
		.where(and(eq(freightRates.originProvince, q.origin), eq(freightRates.destProvince, q.dest)));
	const quote = quoteFreight(tiers, q.pieces);
	return quote ? { ...quote, origin: q.origin, dest: q.dest } : null;
}

type Tier = typeof freightRates.$inferSelect;

/**
 * Partner rate tiers per route, remembered for a few seconds: every order response and queue
 * page quotes freight, and the rates change a few times a year. Rates set through upsertRate
 * are seen at once on this process; another process sees them within FREIGHT_CACHE_MS.
 */
const FREIGHT_CACHE_MS = 10_000;
const tierCache = new Map<string, { at: number; tiers: Tier[] }>();

/** Forgets remembered rate tiers (after rates are written outside upsertRate: seeds, tests). */
export function forgetFreightRates(): void {
	tierCache.clear();
}

/** Quotes for many routes at once (queue and host pages): key `${origin}|${dest}|${pieces}`. */
export async function freightQuotes(
	routes: { origin: string; dest: string; pieces: number }[],
	tx: DbOrTx = db()
): Promise<Map<string, FreightQuote>> {
	const out = new Map<string, FreightQuote>();
	if (routes.length === 0) return out;
	const now = Date.now();
	const keys = [...new Set(routes.map((r) => `${r.origin}|${r.dest}`))];
	const missing = keys.filter((k) => {
		const c = tierCache.get(k);
		return !c || now - c.at > FREIGHT_CACHE_MS;
	});
	if (missing.length > 0) {
		const rows = await tx
			.select()
			.from(freightRates)
			.where(
				sql`(${freightRates.originProvince}, ${freightRates.destProvince}) in (${sql.join(
					missing.map((k) => {
						const [o, d] = k.split('|');
						return sql`(${o}, ${d})`;
					}),
					sql`, `
				)})`
			);
		if (tierCache.size > 5000) tierCache.clear();
		for (const k of missing) tierCache.set(k, { at: now, tiers: [] });
		for (const t of rows) tierCache.get(`${t.originProvince}|${t.destProvince}`)?.tiers.push(t);
	}
	for (const r of routes) {
		const q = quoteFreight(tierCache.get(`${r.origin}|${r.dest}`)?.tiers ?? [], r.pieces);
		if (q) out.set(`${r.origin}|${r.dest}|${r.pieces}`, q);
	}
	return out;
}

export async function listRates() {
	return db()
		.select()
		.from(freightRates)
		.orderBy(
			asc(freightRates.originProvince),
			asc(freightRates.destProvince),
			asc(freightRates.minPieces)
		);
}

export const RateInput = z.object({
	originProvince: z.string().trim().min(1).max(40),
	destProvince: z.string().trim().min(1).max(40),
	minPieces: z.number().int().min(1).max(1_000_000),
	partnerBaseFen: z.number().int().min(0).max(100_000_000),
	partnerPerPieceFen: z.number().int().min(0).max(10_000_000),
	marketBaseFen: z.number().int().min(0).max(100_000_000),
	marketPerPieceFen: z.number().int().min(0).max(10_000_000),
	carrier: z.string().trim().max(40).default('')
});

/** Operator: add or replace a rate tier of a route. */
export async function upsertRate(actor: Principal, raw: unknown) {
	if (actor.role !== 'operator') {
		throw forbidden('err.operator_freight');
	}
	const r = parse(RateInput, raw);
	const [row] = await db()
		.insert(freightRates)
		.values(r)
		.onConflictDoUpdate({
			target: [freightRates.originProvince, freightRates.destProvince, freightRates.minPieces],
			set: {
				partnerBaseFen: r.partnerBaseFen,
				partnerPerPieceFen: r.partnerPerPieceFen,
				marketBaseFen: r.marketBaseFen,
				marketPerPieceFen: r.marketPerPieceFen,
				carrier: r.carrier
			}
		})
		.returning();
	forgetFreightRates();
	return row!;
}
