/**
 * The wholesale cart (混批 across suppliers): line validation against each lot's MOQ and quantity
 * step, each supplier's mixed-batch minimum, the supplier's price breaks, packaging requests and
 * the totals. Pure; the trade service loads the lots and applies these before it reserves stock.
 *
 * Rounding: there is none here. A line's goods amount is `unitPriceFen × quantity` and its
 * packaging amount `Σ feePerPieceFen × quantity`, both exact integer products; supplier and cart
 * totals are exact sums. Every amount is checked to be a safe integer. (The only rounding in trade
 * money is the platform fee, a basis-point share rounded half up at release: escrow.ts.)
 */
import { checkBand } from '../pricing';
import { DEFAULT_POLICY, type Grade, type Policy } from '../policy';
import {
	DEFAULT_TRADE_POLICY,
	PACKAGING_OPTIONS,
	type PackagingOption,
	type TradePolicy
} from './policy';

/** A quantity break a supplier sets: from `minQuantity` pieces on, each piece costs `unitPriceFen`. */
export interface PriceBreak {
	minQuantity: number;
	unitPriceFen: number;
}

/** What the cart needs to know about a lot (the catalog's row, read by the trade service). */
export interface CartLot {
	lotId: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	grade: Grade;
	tagPriceFen: number;
	unitPriceFen: number;
	/** An operator allowed the price (and so its breaks) outside the grade's band. */
	priceOverride?: boolean;
	moq: number;
	/** Quantities go in multiples of this (pieces per carton, 1 when sold by the piece). */
	step: number;
	priceBreaks: readonly PriceBreak[];
	/** Active lot of an admitted supplier; anything else cannot be bought. */
	buyable: boolean;
}

export interface CartLineInput {
	lotId: string;
	quantity: number;
	packaging?: readonly PackagingOption[];
}

export type CartErrorCode =
	| 'too_many_lines'
	| 'duplicate_lot'
	| 'unknown_lot'
	| 'lot_unavailable'
	| 'quantity'
	| 'moq'
	| 'step'
	| 'mixed_batch_min'
	| 'packaging'
	| 'too_many_breaks'
	| 'break_quantity'
	| 'break_price'
	| 'out_of_band';

/** A refusal naming its field the way the API reports it (`lines.<n>.quantity`). */
export interface CartError {
	code: CartErrorCode;
	field: string;
	params: Record<string, number | string>;
}

export interface PricedLine {
	index: number;
	lotId: string;
	supplierId: string;
	warehouseProvince: string;
	warehouseCity: string;
	quantity: number;
	unitPriceFen: number;
	/** The break that set the price, or null for the lot's own price. */
	priceBreak: PriceBreak | null;
	goodsFen: number;
	packaging: PackagingOption[];
	packagingFen: number;
	lineFen: number;
}

export interface SupplierSubtotal {
	supplierId: string;
	pieces: number;
	goodsFen: number;
	packagingFen: number;
	totalFen: number;
}

export interface PricedCart {
	lines: PricedLine[];
	suppliers: SupplierSubtotal[];
	pieces: number;
	goodsFen: number;
	packagingFen: number;
	totalFen: number;
}

function safe(n: number, what: string): number {
	if (!Number.isSafeInteger(n)) throw new RangeError(`${what} is not a safe whole number: ${n}`);
	return n;
}

/** The smallest quantity a lot can be bought in: its MOQ rounded up to a whole step. */
export function minimumQuantity(lot: Pick<CartLot, 'moq' | 'step'>): number {
	return Math.ceil(lot.moq / lot.step) * lot.step;
}

/**
 * The unit price at a quantity: the break with the largest `minQuantity` at or below it, else the
 * lot's own price. Breaks are assumed valid (`validatePriceBreaks`).
 */
export function unitPriceAt(
	lot: Pick<CartLot, 'unitPriceFen' | 'priceBreaks'>,
	quantity: number
): { unitPriceFen: number; priceBreak: PriceBreak | null } {
	let best: PriceBreak | null = null;
	for (const b of lot.priceBreaks) {
		if (b.minQuantity <= quantity && (!best || b.minQuantity > best.minQuantity)) best = b;
	}
	return { unitPriceFen: best ? best.unitPriceFen : lot.unitPriceFen, priceBreak: best };
}

/**
 * A supplier's price breaks for a lot: at most `maxPriceBreaks`, quantities above the MOQ and
 * strictly increasing, prices strictly below the lot's price and the previous break, and each
 * inside the grade's discount band of the tag price (DOMAIN: A 15–20%, B 10–15%, C 5–10%) unless
 * the operator allowed the lot's price outside it. Fields are `priceBreaks.<i>.<field>`.
 */
export function validatePriceBreaks(
	lot: Pick<CartLot, 'grade' | 'tagPriceFen' | 'unitPriceFen' | 'moq' | 'priceOverride'>,
	breaks: readonly PriceBreak[],
	policy: Policy = DEFAULT_POLICY,
	trade: TradePolicy = DEFAULT_TRADE_POLICY
): CartError[] {
	const errors: CartError[] = [];
	if (breaks.length > trade.cart.maxPriceBreaks) {
		errors.push({
			code: 'too_many_breaks',
			field: 'priceBreaks',
			params: { maximum: trade.cart.maxPriceBreaks }
		});
		return errors;
	}
	let prevQty = lot.moq;
	let prevPrice = lot.unitPriceFen;
	breaks.forEach((b, i) => {
		if (!Number.isSafeInteger(b.minQuantity) || b.minQuantity <= prevQty) {
			errors.push({
				code: 'break_quantity',
				field: `priceBreaks.${i}.minQuantity`,
				params: { minimum: prevQty + 1 }
			});
		}
		if (
			!Number.isSafeInteger(b.unitPriceFen) ||
			b.unitPriceFen <= 0 ||
			b.unitPriceFen >= prevPrice
		) {
			errors.push({
				code: 'break_price',
				field: `priceBreaks.${i}.unitPriceFen`,
				params: { below: prevPrice }
			});
		} else if (!lot.priceOverride) {
			const band = checkBand(lot.grade, lot.tagPriceFen, b.unitPriceFen, policy);
			if (!band.ok) {
				errors.push({
					code: 'out_of_band',
					field: `priceBreaks.${i}.unitPriceFen`,
					params: { minFen: band.minPriceFen, maxFen: band.maxPriceFen }
				});
			}
		}
		prevQty = Math.max(prevQty, b.minQuantity);
		prevPrice = Math.min(prevPrice, b.unitPriceFen);
	});
	return errors;
}

/** Packaging fee of a line: each requested option's per-piece fee × quantity. */
export function packagingFen(
	options: readonly PackagingOption[],
	quantity: number,
	trade: TradePolicy = DEFAULT_TRADE_POLICY
): number {
	let fen = 0;
	for (const o of options) fen += trade.cart.packagingFeeFen[o] * quantity;
	return safe(fen, 'packaging fee');
}

/**
 * Validates and prices a cart. Every refusal is collected (a buyer fixes them all at once); the
 * priced cart is returned only when there is none. Checks per line: known and buyable lot, no lot
 * twice, a whole quantity from 1 to `maxQuantityPerLine`, at or above the lot's MOQ (`moq`), a
 * multiple of its step (`step`); per supplier: its lines add up to `mixedBatchMinPieces`
 * (`mixed_batch_min`, reported on the supplier's first line).
 */
export function priceCart(
	input: readonly CartLineInput[],
	lots: ReadonlyMap<string, CartLot>,
	trade: TradePolicy = DEFAULT_TRADE_POLICY
): { ok: true; cart: PricedCart } | { ok: false; errors: CartError[] } {
	const errors: CartError[] = [];
	if (input.length === 0) {
		return { ok: false, errors: [{ code: 'quantity', field: 'lines', params: { minimum: 1 } }] };
	}
	if (input.length > trade.cart.maxLinesPerCart) {
		return {
			ok: false,
			errors: [
				{ code: 'too_many_lines', field: 'lines', params: { maximum: trade.cart.maxLinesPerCart } }
			]
		};
	}
	const seen = new Set<string>();
	const lines: PricedLine[] = [];
	input.forEach((l, index) => {
		const lot = lots.get(l.lotId);
		if (!lot) {
			errors.push({ code: 'unknown_lot', field: `lines.${index}.lotId`, params: {} });
			return;
		}
		if (seen.has(l.lotId)) {
			errors.push({ code: 'duplicate_lot', field: `lines.${index}.lotId`, params: {} });
			return;
		}
		seen.add(l.lotId);
		if (!lot.buyable) {
			errors.push({ code: 'lot_unavailable', field: `lines.${index}.lotId`, params: {} });
			return;
		}
		const q = l.quantity;
		const field = `lines.${index}.quantity`;
		if (!Number.isSafeInteger(q) || q < 1 || q > trade.cart.maxQuantityPerLine) {
			errors.push({
				code: 'quantity',
				field,
				params: { minimum: 1, maximum: trade.cart.maxQuantityPerLine }
			});
			return;
		}
		if (q < lot.moq) {
			errors.push({ code: 'moq', field, params: { moq: lot.moq, minimum: minimumQuantity(lot) } });
			return;
		}
		if (q % lot.step !== 0) {
			errors.push({ code: 'step', field, params: { step: lot.step, moq: lot.moq } });
			return;
		}
		const packaging = [...new Set(l.packaging ?? [])];
		if (packaging.some((p) => !PACKAGING_OPTIONS.includes(p))) {
			errors.push({ code: 'packaging', field: `lines.${index}.packaging`, params: {} });
			return;
		}
		const ordered = PACKAGING_OPTIONS.filter((p) => packaging.includes(p));
		const price = unitPriceAt(lot, q);
		const goodsFen = safe(price.unitPriceFen * q, 'goods amount');
		const packFen = packagingFen(ordered, q, trade);
		lines.push({
			index,
			lotId: lot.lotId,
			supplierId: lot.supplierId,
			warehouseProvince: lot.warehouseProvince,
			warehouseCity: lot.warehouseCity,
			quantity: q,
			unitPriceFen: price.unitPriceFen,
			priceBreak: price.priceBreak,
			goodsFen,
			packaging: ordered,
			packagingFen: packFen,
			lineFen: safe(goodsFen + packFen, 'line amount')
		});
	});

	const bySupplier = new Map<string, SupplierSubtotal & { first: number }>();
	for (const l of lines) {
		let s = bySupplier.get(l.supplierId);
		if (!s) {
			s = {
				supplierId: l.supplierId,
				pieces: 0,
				goodsFen: 0,
				packagingFen: 0,
				totalFen: 0,
				first: l.index
			};
			bySupplier.set(l.supplierId, s);
		}
		s.pieces += l.quantity;
		s.goodsFen = safe(s.goodsFen + l.goodsFen, 'supplier goods');
		s.packagingFen = safe(s.packagingFen + l.packagingFen, 'supplier packaging');
		s.totalFen = safe(s.totalFen + l.lineFen, 'supplier total');
	}
	for (const s of bySupplier.values()) {
		if (s.pieces < trade.cart.mixedBatchMinPieces) {
			errors.push({
				code: 'mixed_batch_min',
				field: `lines.${s.first}.quantity`,
				params: {
					supplierId: s.supplierId,
					pieces: s.pieces,
					minimum: trade.cart.mixedBatchMinPieces
				}
			});
		}
	}
	if (errors.length > 0) {
		return {
			ok: false,
			errors: errors.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }))
		};
	}
	const suppliers = [...bySupplier.values()].map(({ first: _first, ...s }) => s);
	const sum = (f: (s: SupplierSubtotal) => number) =>
		safe(
			suppliers.reduce((a, s) => a + f(s), 0),
			'cart total'
		);
	return {
		ok: true,
		cart: {
			lines,
			suppliers,
			pieces: sum((s) => s.pieces),
			goodsFen: sum((s) => s.goodsFen),
			packagingFen: sum((s) => s.packagingFen),
			totalFen: sum((s) => s.totalFen)
		}
	};
}
