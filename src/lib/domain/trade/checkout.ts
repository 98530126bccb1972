/**
 * Checkout: a priced cart becomes one trade order per (supplier, warehouse), each with its
 * freight quote on its route (partner rate vs market rate, the buyer pays the partner rate) and
 * any sample credit of its lots. Pure; the trade service reserves stock and writes the orders.
 *
 * Amounts: order total = goods + packaging + freight − sample credit, exact integer sums. A
 * credit never exceeds the goods amount of its lot's line (the rest of it is not used).
 */
import { quoteFreight, splitByShipper, type FreightQuote, type RateTier } from '../orders';
import type { PricedCart, PricedLine } from './cart';

/** Partner and market rates of one route, as the freight_rates table holds them. */
export interface RouteRates {
	originProvince: string;
	destProvince: string;
	tiers: readonly RateTier[];
}

/** The rate table, as rows (one per route tier) or grouped by route. */
export type RateTable = readonly (RateTier & { originProvince: string; destProvince: string })[];

export interface RouteQuote extends FreightQuote {
	origin: string;
	dest: string;
}

/**
 * Freight for `pieces` from `origin` to `dest`: the route's tier with the largest minimum at or
 * below the piece count, partner price `base + perPiece × pieces` against the market's
 * (广州→济南, 500 pieces: market ¥2000, partner ¥1600, saving ¥400). Null when no partner serves
 * the route.
 */
export function quoteRoute(
	rates: RateTable,
	origin: string,
	dest: string,
	pieces: number
): RouteQuote | null {
	const tiers = rates.filter((r) => r.originProvince === origin && r.destProvince === dest);
	const q = quoteFreight(tiers, pieces);
	return q ? { ...q, origin, dest } : null;
}

/** An eligible sample credit (samples.ts decides eligibility) for a lot in the cart. */
export interface CreditOffer {
	sampleId: string;
	lotId: string;
	amountFen: number;
}

export interface TradeOrderDraft {
	/** `${supplierId}|${province}|${city}`: stable within the checkout (the idempotent replay). */
	key: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	lines: PricedLine[];
	pieces: number;
	goodsFen: number;
	packagingFen: number;
	freight: RouteQuote;
	freightFen: number;
	credits: { sampleId: string; lotId: string; amountFen: number }[];
	creditFen: number;
	/** What the buyer pays for this order: goods + packaging + freight − credit. */
	totalFen: number;
}

export type CheckoutError =
	| { code: 'no_freight_route'; field: 'shipTo.province'; params: { origin: string; dest: string } }
	| { code: 'empty_cart'; field: 'lines'; params: Record<string, never> };

/**
 * Splits a priced cart into trade orders per supplier and warehouse (in order of first line),
 * quotes each order's freight to `destProvince`, and applies sample credits: each offer at most
 * once, on the order holding its lot, capped at that line's goods amount. Offers for lots not in
 * the cart are ignored.
 */
export function splitCheckout(
	cart: PricedCart,
	destProvince: string,
	rates: RateTable,
	credits: readonly CreditOffer[] = []
): { ok: true; orders: TradeOrderDraft[] } | { ok: false; error: CheckoutError } {
	if (cart.lines.length === 0)
		return { ok: false, error: { code: 'empty_cart', field: 'lines', params: {} } };
	const groups = splitByShipper(cart.lines);
	const used = new Set<string>();
	const orders: TradeOrderDraft[] = [];
	for (const g of groups) {
		const lines = g.lines.map((i) => cart.lines[i]!);
		const pieces = lines.reduce((s, l) => s + l.quantity, 0);
		const freight = quoteRoute(rates, g.warehouseProvince, destProvince, pieces);
		if (!freight) {
			return {
				ok: false,
				error: {
					code: 'no_freight_route',
					field: 'shipTo.province',
					params: { origin: g.warehouseProvince, dest: destProvince }
				}
			};
		}
		const applied: TradeOrderDraft['credits'] = [];
		for (const l of lines) {
			let room = l.goodsFen;
			for (const c of credits) {
				if (c.lotId !== l.lotId || used.has(c.sampleId) || room <= 0) continue;
				if (!Number.isSafeInteger(c.amountFen) || c.amountFen <= 0) continue;
				const amountFen = Math.min(c.amountFen, room);
				used.add(c.sampleId);
				room -= amountFen;
				applied.push({ sampleId: c.sampleId, lotId: c.lotId, amountFen });
			}
		}
		const goodsFen = lines.reduce((s, l) => s + l.goodsFen, 0);
		const packagingFen = lines.reduce((s, l) => s + l.packagingFen, 0);
		const creditFen = applied.reduce((s, c) => s + c.amountFen, 0);
		const totalFen = goodsFen + packagingFen + freight.partnerFen - creditFen;
		if (!Number.isSafeInteger(totalFen)) throw new RangeError(`order total overflow: ${totalFen}`);
		orders.push({
			key: g.key,
			supplierId: g.supplierId,
			warehouseProvince: g.warehouseProvince,
			warehouseCity: g.warehouseCity,
			lines,
			pieces,
			goodsFen,
			packagingFen,
			freight,
			freightFen: freight.partnerFen,
			credits: applied,
			creditFen,
			totalFen
		});
	}
	return { ok: true, orders };
}
