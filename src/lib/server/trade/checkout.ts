// Checkout: the buyer's cart (or explicit lines) becomes one trade order per supplier and
// warehouse, in ONE transaction: idempotency key, lots locked in id order, every line problem at
// once (422), stock (409 with `available`), freight per order, stock allocated through the stock
// module, orders + lines + their first event + a payment intent each, bought lines out of the
// cart. Nothing is written on any refusal (the transaction rolls back, the key included, so the
// buyer can fix the cart and retry with the same key).
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { priceCart } from '$lib/domain/trade/cart';
import { splitCheckout } from '$lib/domain/trade/checkout';
import { deadlines } from '$lib/domain/trade/order-state';
import type { TradeOrderView } from '$lib/trade/types';
import type { Principal } from '../auth/principal';
import { db, type Tx } from '../db';
import {
	tradeCartLines,
	tradeCarts,
	tradeCheckouts,
	tradeOrderEvents,
	tradeOrderLines,
	tradeOrders,
	tradePaymentIntents
} from '../db/schema';
import { AppError, parse, type ErrorIssue } from '../errors';
import { publishCommitted, transaction } from '../events/bus';
import { paymentProvider } from '../payments';
import { currentPolicy } from '../platform/policy';
import { allocateFree, type LotCounterRow } from '../stock';
import {
	buyerOrgOf,
	CART_PROBLEM_KEY,
	policyPackaging,
	problemOf,
	storedCartLines,
	type CartProblem
} from './cart';
import { loadCartLots, loadRates } from './cart-lots';
import { orderChanged } from './publish';
import { orderViews } from './queries';
import { CheckoutInput, IdempotencyKeyInput, type CheckoutInput as Input } from './schemas';

export interface CheckoutResult {
	checkoutId: string;
	/** True when the Idempotency-Key was seen before: the same orders, nothing new written. */
	replayed: boolean;
	orders: TradeOrderView[];
}

/**
 * What the key remembers of its request: the request as sent, canonical (lines sorted by lot,
 * packaging sorted; no lines = "the cart"). A retry of the same request matches whatever the
 * cart holds by then (it was emptied of the bought lines); another request with the key is 409.
 */
export function checkoutRequestHash(input: Input): string {
	const canonical = {
		lines: input.lines
			? [...input.lines]
					.map((l) => ({
						lotId: l.lotId.toLowerCase(),
						quantity: l.quantity,
						packaging: [...new Set(l.packaging)].sort()
					}))
					.sort((a, b) => (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0))
			: 'cart',
		shipTo: [
			input.shipTo.name,
			input.shipTo.phone,
			input.shipTo.province,
			input.shipTo.city,
			input.shipTo.district,
			input.shipTo.address
		],
		provider: input.provider
	};
	return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const idempotencyConflict = () =>
	new AppError('conflict', 'idempotency_conflict', 'trade.err.idempotency_conflict', {
		field: 'idempotencyKey'
	});

/** 422 with every problem: the first names the error, all are in `issues` and `problems`. */
function refusal(problems: CartProblem[], locale: Principal['locale']): AppError {
	const first = problems[0]!;
	const issues: ErrorIssue[] = problems.map((e) => ({
		field: e.field,
		message: CART_PROBLEM_KEY[e.code],
		params: e.params
	}));
	return new AppError('rule', first.code, CART_PROBLEM_KEY[first.code], {
		field: first.field,
		params: first.params,
		issues: issues.length > 1 ? issues : undefined,
		details: { problems: problems.map((e) => problemOf(e, locale)) }
	});
}

/** 409 `insufficient_stock`: each short line with what is free (`available`). */
function shortage(short: { field: string; lotId: string; available: number }[]): AppError {
	const first = short[0]!;
	return new AppError('conflict', 'insufficient_stock', 'trade.err.insufficient_stock', {
		field: first.field,
		params: { available: first.available },
		issues:
			short.length > 1
				? short.map((s) => ({
						field: s.field,
						message: 'trade.err.insufficient_stock',
						params: { available: s.available }
					}))
				: undefined,
		details: {
			available: first.available,
			lines: short.map((s) => ({ field: s.field, lotId: s.lotId, available: s.available }))
		}
	});
}

interface Written {
	checkoutId: string;
	orders: (typeof tradeOrders.$inferSelect)[];
	counters: LotCounterRow[];
	cartChanged: boolean;
}

async function write(
	tx: Tx,
	p: Principal,
	buyerOrgId: string,
	input: Input,
	checkoutId: string,
	now: Date
): Promise<Written> {
	const policy = currentPolicy().trade;
	const lines = input.lines
		? input.lines.map((l) => ({ ...l, lotId: l.lotId.toLowerCase() }))
		: (await storedCartLines(tx, buyerOrgId)).map((l) => ({
				lotId: l.lotId,
				quantity: l.quantity,
				packaging: policyPackaging(l.packaging)
			}));
	if (lines.length === 0) {
		throw refusal([{ code: 'empty_cart', field: 'lines', params: {} }], p.locale);
	}

	// Lots FOR UPDATE in id order (docs/STOCK.md): price and stock are decided on rows that
	// nobody changes before COMMIT; a live show's lock waits for us, or we for it.
	const lots = await loadCartLots(
		tx,
		lines.map((l) => l.lotId),
		{ forUpdate: true }
	);
	const priced = priceCart(lines, lots, policy);
	if (!priced.ok) throw refusal(priced.errors, p.locale);

	const short = priced.cart.lines.flatMap((l) => {
		const lot = lots.get(l.lotId)!;
		return lot.available < l.quantity
			? [{ field: `lines.${l.index}.quantity`, lotId: l.lotId, available: lot.available }]
			: [];
	});
	if (short.length > 0) throw shortage(short);

	const dest = input.shipTo.province;
	const rates = await loadRates(
		tx,
		priced.cart.lines.map((l) => l.warehouseProvince),
		dest
	);
	const split = splitCheckout(priced.cart, dest, rates, []);
	if (!split.ok) throw refusal([split.error], p.locale);

	// Stock: allocate each line from free stock, in lot id order (the rows are ours already).
	const counters: LotCounterRow[] = [];
	for (const l of [...priced.cart.lines].sort((a, b) => (a.lotId < b.lotId ? -1 : 1))) {
		const row = await allocateFree(tx, l.lotId, l.quantity);
		if (!row) {
			const lot = lots.get(l.lotId)!;
			throw shortage([
				{ field: `lines.${l.index}.quantity`, lotId: l.lotId, available: lot.available }
			]);
		}
		counters.push(row);
	}

	const dueAt = deadlines({ createdAt: now, paidAt: null, arrivedAt: null }, policy).unpaid;
	const drafts = split.orders.map((o) => ({ id: randomUUID(), draft: o }));
	const orders = await tx
		.insert(tradeOrders)
		.values(
			drafts.map(({ id, draft: o }) => ({
				id,
				checkoutId,
				buyerOrgId,
				supplierId: o.supplierId,
				warehouseProvince: o.warehouseProvince,
				warehouseCity: o.warehouseCity,
				shipTo: input.shipTo,
				state: 'pending_payment' as const,
				goodsFen: o.goodsFen,
				packagingFen: o.packagingFen,
				freightFen: o.freightFen,
				freightMarketFen: o.freight.marketFen,
				carrierQuoted: o.freight.carrier,
				creditFen: o.creditFen,
				totalFen: o.totalFen,
				feeBp: policy.orders.wholesaleFeeBp,
				createdAt: now,
				dueAt,
				updatedAt: now
			}))
		)
		.returning();
	const byId = new Map(orders.map((o) => [o.id, o]));
	// Returned in the drafts' order (the supplier groups' order of first line).
	const ordered = drafts.map((d) => byId.get(d.id)!);

	await tx.insert(tradeOrderLines).values(
		drafts.flatMap(({ id, draft: o }) =>
			o.lines.map((l) => ({
				orderId: id,
				lotId: l.lotId,
				quantity: l.quantity,
				unitPriceFen: l.unitPriceFen,
				priceBreakMin: l.priceBreak?.minQuantity ?? null,
				goodsFen: l.goodsFen,
				packaging: l.packaging,
				packagingFen: l.packagingFen,
				creditFen: 0,
				lineFen: l.lineFen,
				piecesPerCarton: lots.get(l.lotId)!.piecesPerCarton
			}))
		)
	);
	await tx.insert(tradeOrderEvents).values(
		ordered.map((o) => ({
			orderId: o.id,
			fromState: null,
			toState: 'pending_payment' as const,
			action: 'checkout',
			actor: 'buyer' as const,
			actorUserId: p.userId,
			at: now
		}))
	);

	// One payment intent per order through the chosen provider.
	const provider = paymentProvider(input.provider);
	const intents = await Promise.all(
		ordered.map((o) =>
			provider.createIntent({
				purpose: { kind: 'order', tradeOrderId: o.id },
				buyerOrgId,
				amountFen: o.totalFen,
				reference: `LT${o.number}`,
				expiresAt: dueAt,
				idempotencyKey: `order:${o.id}`
			})
		)
	);
	await tx.insert(tradePaymentIntents).values(
		intents.map((i, k) => ({
			id: i.id,
			kind: 'order' as const,
			refId: ordered[k]!.id,
			buyerOrgId,
			provider: i.provider,
			amountFen: i.amountFen,
			status: i.status,
			providerRef: i.providerRef,
			instructions: i.instructions,
			idempotencyKey: `order:${ordered[k]!.id}`,
			createdAt: now,
			expiresAt: i.expiresAt
		}))
	);

	// The bought lots leave the cart.
	const removed = await tx
		.delete(tradeCartLines)
		.where(
			and(
				eq(tradeCartLines.buyerOrgId, buyerOrgId),
				inArray(
					tradeCartLines.lotId,
					priced.cart.lines.map((l) => l.lotId)
				)
			)
		)
		.returning({ lotId: tradeCartLines.lotId });
	if (removed.length > 0) {
		await tx
			.update(tradeCarts)
			.set({ updatedAt: now })
			.where(eq(tradeCarts.buyerOrgId, buyerOrgId));
	}
	return { checkoutId, orders: ordered, counters, cartChanged: removed.length > 0 };
}

/**
 * Checkout: raw `{ lines?: [{ lotId, quantity, packaging? }], shipTo: TradeShipTo, provider:
 * 'bank_transfer' | 'test' }` (no lines → the cart's lines). Splits per (supplier, warehouse),
 * allocates stock through the stock module, creates the orders (pending_payment) and one payment
 * intent per order, removes bought lines from the cart. Refusals: 422 with `lines.<n>.quantity`
 * and params (moq/step), 409 `insufficient_stock` with `available`, 422 blocked/unadmitted;
 * the same key → the same orders; the same key with another request → 409.
 */
export async function checkout(
	p: Principal,
	raw: unknown,
	idempotencyKey: string,
	now: Date = new Date()
): Promise<CheckoutResult> {
	const buyerOrgId = buyerOrgOf(p);
	const key = parse(IdempotencyKeyInput, idempotencyKey);
	const input = parse(CheckoutInput, raw);
	const hash = checkoutRequestHash(input);

	const outcome = await transaction(
		async (tx): Promise<{ replay: string } | { written: Written }> => {
			// The key first: a concurrent request with the same key waits here for ours to commit
			// (then replays it) or roll back (then goes ahead).
			const [fresh] = await tx
				.insert(tradeCheckouts)
				.values({
					buyerOrgId,
					idempotencyKey: key,
					requestHash: hash,
					createdBy: p.userId,
					createdAt: now
				})
				.onConflictDoNothing()
				.returning({ id: tradeCheckouts.id });
			if (!fresh) {
				const [prior] = await tx
					.select({ id: tradeCheckouts.id, requestHash: tradeCheckouts.requestHash })
					.from(tradeCheckouts)
					.where(
						and(eq(tradeCheckouts.buyerOrgId, buyerOrgId), eq(tradeCheckouts.idempotencyKey, key))
					);
				if (!prior || prior.requestHash !== hash) throw idempotencyConflict();
				return { replay: prior.id };
			}
			return { written: await write(tx, p, buyerOrgId, input, fresh.id, now) };
		}
	);

	if ('replay' in outcome) {
		const ids = await db()
			.select({ id: tradeOrders.id })
			.from(tradeOrders)
			.where(eq(tradeOrders.checkoutId, outcome.replay))
			.orderBy(tradeOrders.number);
		return {
			checkoutId: outcome.replay,
			replayed: true,
			orders: await orderViews(
				db(),
				ids.map((r) => r.id),
				() => 'buyer'
			)
		};
	}

	const { written } = outcome;
	for (const o of written.orders)
		publishCommitted('trade.order.changed', orderChanged(o, 'created'));
	publishCommitted('stock.changed', { lots: written.counters, showIds: [] });
	if (written.cartChanged) publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	return {
		checkoutId: written.checkoutId,
		replayed: false,
		orders: await orderViews(
			db(),
			written.orders.map((o) => o.id),
			() => 'buyer'
		)
	};
}
