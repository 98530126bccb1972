// The buyer organisation's cart (混批 across suppliers): lines stored in trade_cart_lines, priced
// and checked by the domain (domain/trade/cart.ts priceCart) with the lots' trade terms, freight
// quoted per supplier group (domain/trade/checkout.ts quoteRoute) to the buyer's province.
import { and, desc, eq, sql } from 'drizzle-orm';
import { splitByShipper } from '$lib/domain/orders';
import { packagingFen, priceCart, unitPriceAt, type CartErrorCode } from '$lib/domain/trade/cart';
import { quoteRoute, type RateTable } from '$lib/domain/trade/checkout';
import {
	PACKAGING_OPTIONS,
	type PackagingOption,
	type TradePolicy
} from '$lib/domain/trade/policy';
import { translate, type Locale, type MessageKey } from '$lib/i18n';
import type { CartGroupView, CartLineView, CartView, TradeFieldProblem } from '$lib/trade/types';
import type { Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import { tradeCartLines, tradeCarts, tradeOrders } from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { publishCommitted, transaction } from '../events/bus';
import { currentPolicy } from '../platform/policy';
import { z } from '$lib/server/validation';
import { loadCartLots, loadRates, type CartLotInfo } from './cart-lots';
import { CartLineInput, CartLotIdInput } from './schemas';

/** The buyer organisation the caller acts for; others have no cart (403). */
export function buyerOrgOf(p: Principal): string {
	if (p.orgKind !== 'buyer' || !p.orgId) throw forbidden('trade.err.buyer_only');
	return p.orgId;
}

/** A cart problem: the domain's CartError codes, plus stock and freight. */
export interface CartProblem {
	code: CartErrorCode | 'insufficient_stock' | 'no_freight_route' | 'empty_cart';
	field: string;
	params: Record<string, string | number>;
}

/** The catalogue key of each cart problem. */
export const CART_PROBLEM_KEY = {
	too_many_lines: 'trade.cart.err.too_many_lines',
	duplicate_lot: 'trade.cart.err.duplicate_lot',
	unknown_lot: 'trade.cart.err.unknown_lot',
	lot_unavailable: 'trade.cart.err.lot_unavailable',
	quantity: 'trade.cart.err.quantity',
	moq: 'trade.cart.err.moq',
	step: 'trade.cart.err.step',
	mixed_batch_min: 'trade.cart.err.mixed_batch_min',
	packaging: 'trade.cart.err.packaging',
	too_many_breaks: 'trade.cart.err.too_many_breaks',
	break_quantity: 'trade.cart.err.break_quantity',
	break_price: 'trade.cart.err.break_price',
	out_of_band: 'trade.cart.err.out_of_band',
	insufficient_stock: 'trade.cart.err.insufficient_stock',
	no_freight_route: 'trade.cart.err.no_freight_route',
	empty_cart: 'trade.cart.err.empty_cart'
} as const satisfies Record<CartProblem['code'], MessageKey>;

/** A cart problem as the caller reads it (message in the caller's language). */
export function problemOf(e: CartProblem, locale: Locale): TradeFieldProblem {
	return {
		field: e.field,
		code: e.code,
		message: translate(locale, CART_PROBLEM_KEY[e.code], e.params),
		...(Object.keys(e.params).length > 0 ? { params: e.params } : {})
	};
}

/** Stored cart lines of a buyer org, oldest first (the order lines are numbered in). */
export async function storedCartLines(
	tx: DbOrTx,
	buyerOrgId: string
): Promise<{ lotId: string; quantity: number; packaging: string[] }[]> {
	return tx
		.select({
			lotId: tradeCartLines.lotId,
			quantity: tradeCartLines.quantity,
			packaging: tradeCartLines.packaging
		})
		.from(tradeCartLines)
		.where(eq(tradeCartLines.buyerOrgId, buyerOrgId))
		.orderBy(tradeCartLines.addedAt, tradeCartLines.lotId);
}

/** The province of the buyer org's most recent trade order, if any. */
async function lastShipToProvince(tx: DbOrTx, buyerOrgId: string): Promise<string | null> {
	const [row] = await tx
		.select({ province: sql<string>`${tradeOrders.shipTo}->>'province'` })
		.from(tradeOrders)
		.where(eq(tradeOrders.buyerOrgId, buyerOrgId))
		.orderBy(desc(tradeOrders.createdAt))
		.limit(1);
	return row?.province || null;
}

interface Priced {
	lines: CartLineView[];
	groups: CartGroupView[];
	problems: TradeFieldProblem[];
	goodsFen: number;
	packagingFen: number;
	freightFen: number;
}

/**
 * Prices lines for the view: every line's own amounts (even when the cart as a whole has
 * problems), the groups per supplier and warehouse with freight, and every problem at once.
 */
export function priceForView(
	input: { lotId: string; quantity: number; packaging: readonly string[] }[],
	lots: ReadonlyMap<string, CartLotInfo>,
	policy: TradePolicy,
	rates: RateTable,
	dest: string | null,
	locale: Locale
): Priced {
	const errors: CartProblem[] = [];
	const domainInput = input.map((l) => ({
		lotId: l.lotId,
		quantity: l.quantity,
		packaging: l.packaging as PackagingOption[]
	}));
	if (input.length > 0) {
		const r = priceCart(domainInput, lots, policy);
		if (!r.ok) errors.push(...r.errors);
	}
	const lines: CartLineView[] = [];
	input.forEach((l, index) => {
		const lot = lots.get(l.lotId);
		if (!lot) return;
		const { unitPriceFen } = unitPriceAt(lot, l.quantity);
		const packaging = policyPackaging(l.packaging);
		const goods = unitPriceFen * l.quantity;
		const pack = packagingFen(packaging, l.quantity, policy);
		if (lot.buyable && l.quantity > lot.available) {
			errors.push({
				code: 'insufficient_stock',
				field: `lines.${index}.quantity`,
				params: { available: lot.available }
			});
		}
		lines.push({
			lotId: lot.lotId,
			title: lot.title,
			grade: lot.grade,
			supplierId: lot.supplierId,
			supplierName: lot.supplierName,
			warehouse: { province: lot.warehouseProvince, city: lot.warehouseCity },
			coverUrl: lot.coverUrl,
			quantity: l.quantity,
			moq: lot.moq,
			step: lot.step,
			available: lot.available,
			unitPriceFen,
			tagPriceFen: lot.tagPriceFen,
			priceBreaks: lot.priceBreaks.map((b) => ({ ...b })),
			packaging,
			goodsFen: goods,
			packagingFen: pack,
			lineFen: goods + pack
		});
	});
	const groups: CartGroupView[] = splitByShipper(
		lines.map((l) => ({
			lotId: l.lotId,
			supplierId: l.supplierId,
			warehouseProvince: l.warehouse.province,
			warehouseCity: l.warehouse.city
		}))
	).map((g) => {
		const ls = g.lines.map((i) => lines[i]!);
		const pieces = ls.reduce((s, l) => s + l.quantity, 0);
		const goodsFen = ls.reduce((s, l) => s + l.goodsFen, 0);
		const packFen = ls.reduce((s, l) => s + l.packagingFen, 0);
		const q = dest ? quoteRoute(rates, g.warehouseProvince, dest, pieces) : null;
		if (dest && !q) {
			errors.push({
				code: 'no_freight_route',
				field: 'shipTo.province',
				params: { origin: g.warehouseProvince, dest }
			});
		}
		return {
			supplierId: g.supplierId,
			supplierName: ls[0]!.supplierName,
			warehouse: { province: g.warehouseProvince, city: g.warehouseCity },
			pieces,
			mixedBatchMin: policy.cart.mixedBatchMinPieces,
			goodsFen,
			packagingFen: packFen,
			freight: q ? { partnerFen: q.partnerFen, marketFen: q.marketFen, carrier: q.carrier } : null,
			totalFen: goodsFen + packFen + (q?.partnerFen ?? 0)
		};
	});
	const seen = new Set<string>();
	const problems = errors
		.filter((e) => {
			const k = `${e.field}|${e.code}|${JSON.stringify(e.params)}`;
			if (seen.has(k)) return false;
			seen.add(k);
			return true;
		})
		.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }))
		.map((e) => problemOf(e, locale));
	return {
		lines,
		groups,
		problems,
		goodsFen: lines.reduce((s, l) => s + l.goodsFen, 0),
		packagingFen: lines.reduce((s, l) => s + l.packagingFen, 0),
		freightFen: groups.reduce((s, g) => s + (g.freight?.partnerFen ?? 0), 0)
	};
}

/** Packaging options as stored, kept to the known ones in the policy's order. */
export function policyPackaging(list: readonly string[]): PackagingOption[] {
	return PACKAGING_OPTIONS.filter((o) => list.includes(o));
}

const DestInput = z.string().trim().min(1).max(40).optional();

async function buildView(
	tx: DbOrTx,
	buyerOrgId: string,
	locale: Locale,
	destProvince: string | undefined
): Promise<CartView> {
	const policy = currentPolicy().trade;
	const [stored, cart] = await Promise.all([
		storedCartLines(tx, buyerOrgId),
		tx
			.select({ updatedAt: tradeCarts.updatedAt })
			.from(tradeCarts)
			.where(eq(tradeCarts.buyerOrgId, buyerOrgId))
	]);
	const lots = await loadCartLots(
		tx,
		stored.map((l) => l.lotId)
	);
	const dest = destProvince ?? (await lastShipToProvince(tx, buyerOrgId));
	const rates = dest
		? await loadRates(
				tx,
				[...lots.values()].map((l) => l.warehouseProvince),
				dest
			)
		: [];
	// Every stored line has its lot (deleting a lot deletes its cart lines: FK cascade), so the
	// problems' `lines.<n>` are the view's line indices.
	const priced = priceForView(stored, lots, policy, rates, dest, locale);
	return {
		lines: priced.lines,
		groups: priced.groups,
		problems: priced.problems,
		destProvince: dest,
		goodsFen: priced.goodsFen,
		packagingFen: priced.packagingFen,
		freightFen: priced.freightFen,
		totalFen: priced.goodsFen + priced.packagingFen + priced.freightFen,
		updatedAt: (cart[0]?.updatedAt ?? new Date(0)).toISOString()
	};
}

/** The buyer org's cart, priced, with every problem and freight quoted per supplier group. */
export async function cartView(
	p: Principal,
	opts: { destProvince?: string } = {}
): Promise<CartView> {
	const buyerOrgId = buyerOrgOf(p);
	const dest = parse(DestInput, opts.destProvince);
	return buildView(db(), buyerOrgId, p.locale, dest);
}

/** Adds or replaces one line: raw `{ lotId, quantity, packaging?: PackagingOption[] }`. */
export async function setCartLine(
	p: Principal,
	raw: unknown,
	now: Date = new Date()
): Promise<CartView> {
	const buyerOrgId = buyerOrgOf(p);
	const input = parse(CartLineInput, raw);
	const policy = currentPolicy().trade;
	await transaction(async (tx) => {
		const lot = (await loadCartLots(tx, [input.lotId])).get(input.lotId);
		if (!lot || !lot.visible) throw notFound('Lot', 'lotId');
		await tx
			.insert(tradeCarts)
			.values({ buyerOrgId, updatedAt: now })
			.onConflictDoUpdate({ target: tradeCarts.buyerOrgId, set: { updatedAt: now } });
		const [{ n } = { n: 0 }] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(tradeCartLines)
			.where(
				and(
					eq(tradeCartLines.buyerOrgId, buyerOrgId),
					sql`${tradeCartLines.lotId} <> ${input.lotId}`
				)
			);
		if (n >= policy.cart.maxLinesPerCart) {
			throw new AppError('rule', 'too_many_lines', 'trade.cart.err.too_many_lines', {
				field: 'lotId',
				params: { maximum: policy.cart.maxLinesPerCart }
			});
		}
		await tx
			.insert(tradeCartLines)
			.values({
				buyerOrgId,
				lotId: input.lotId,
				quantity: input.quantity,
				packaging: policyPackaging(input.packaging),
				addedAt: now
			})
			.onConflictDoUpdate({
				target: [tradeCartLines.buyerOrgId, tradeCartLines.lotId],
				set: { quantity: input.quantity, packaging: policyPackaging(input.packaging) }
			});
	});
	publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	return buildView(db(), buyerOrgId, p.locale, undefined);
}

/** Removes a line (raw lot id, validated). Removing a lot not in the cart changes nothing. */
export async function removeCartLine(
	p: Principal,
	lotId: unknown,
	now: Date = new Date()
): Promise<CartView> {
	const buyerOrgId = buyerOrgOf(p);
	const id = parse(CartLotIdInput, lotId);
	const removed = await transaction(async (tx) => {
		const rows = await tx
			.delete(tradeCartLines)
			.where(and(eq(tradeCartLines.buyerOrgId, buyerOrgId), eq(tradeCartLines.lotId, id)))
			.returning({ lotId: tradeCartLines.lotId });
		if (rows.length > 0) {
			await tx
				.update(tradeCarts)
				.set({ updatedAt: now })
				.where(eq(tradeCarts.buyerOrgId, buyerOrgId));
		}
		return rows.length;
	});
	if (removed > 0) publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	return buildView(db(), buyerOrgId, p.locale, undefined);
}
