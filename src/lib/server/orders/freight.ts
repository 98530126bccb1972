import { and, asc, eq, sql } from 'drizzle-orm';
import { quoteFreight, type FreightQuote } from '$lib/domain/orders';
import type { Actor } from '../auth/service';
import { db, type DbOrTx } from '../db';
import { freightRates } from '../db/schema';
import { forbidden, parse } from '../errors';
import { FreightQuoteInput } from './schemas';
import { z } from 'zod';

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

/** Quotes for many routes at once (queue and host pages): key `${origin}|${dest}|${pieces}`. */
export async function freightQuotes(
	routes: { origin: string; dest: string; pieces: number }[],
	tx: DbOrTx = db()
): Promise<Map<string, FreightQuote>> {
	const out = new Map<string, FreightQuote>();
	if (routes.length === 0) return out;
	const tiers = await tx
		.select()
		.from(freightRates)
		.where(
			sql`(${freightRates.originProvince}, ${freightRates.destProvince}) in (${sql.join(
				[...new Set(routes.map((r) => `${r.origin}|${r.dest}`))].map((k) => {
					const [o, d] = k.split('|');
					return sql`(${o}, ${d})`;
				}),
				sql`, `
			)})`
		);
	for (const r of routes) {
		const q = quoteFreight(
			tiers.filter((t) => t.originProvince === r.origin && t.destProvince === r.dest),
			r.pieces
		);
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

const RateInput = z.object({
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
export async function upsertRate(actor: Actor, raw: unknown) {
	if (!(actor.kind === 'user' && actor.user.role === 'operator')) {
		throw forbidden('Only an operator sets partner freight rates.');
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
	return row!;
}
