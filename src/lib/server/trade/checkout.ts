// Checkout: the buyer's cart (or explicit lines) becomes one trade order per supplier and
// warehouse, in ONE transaction: idempotency key, lots locked in id order, every line problem at
// once (422), stock (409 with `available`), freight per order, stock allocated through the stock
// module, orders + lines + their first event + a payment intent each, bought lines out of the
// cart. Nothing is written on any refusal (the transaction rolls back, the key included, so the
// buyer can fix the cart and retry with the same key).
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { priceCart } from '$lib/domain/trade/cart';
import { splitCheckout, type RateTable } from '$lib/domain/trade/checkout';
import { deadlines } from '$lib/domain/trade/order-state';
import type { TradeOrderView } from '$lib/trade/types';
import type { Principal } from '../auth/principal';
import { db, execRows, jsonValue, uuidArray, type Tx } from '../db';
import { tradeCheckouts, tradeOrders } from '../db/schema';
import { AppError, parse, type ErrorIssue } from '../errors';
import { publishCommitted, transactionFrom } from '../events/bus';
import { paymentProvider, providerEnabled } from '../payments';
import { currentPolicy } from '../platform/policy';
import { allocateFreeStatement, counterRow, type CounterJson, type LotCounterRow } from '../stock';
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
import { orderViews, viewOf, type IntentRow } from './queries';
import type { TradeOrderRow } from './transition';
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
/** The test provider is not offered on this deployment (PAYMENT_TEST_PROVIDER). */
export const providerUnavailable = () =>
	new AppError('rule', 'provider_unavailable', 'trade.err.provider_unavailable', {
		field: 'provider'
	});

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
	orders: TradeOrderView[];
	rows: TradeOrderRow[];
	counters: LotCounterRow[];
	cartChanged: boolean;
}

/** A JSON document as one statement parameter. */
const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
/** A text[] literal (packaging options are plain identifiers). */
const textArray = (a: readonly string[]) => `{${a.join(',')}}`;

async function write(
	tx: Tx,
	p: Principal,
	buyer: { orgId: string; name: string },
	input: Input,
	checkoutId: string,
	rates: RateTable,
	now: Date,
	finish: (last: SQL[]) => Promise<unknown>
): Promise<Written> {
	const policy = currentPolicy().trade;
	const buyerOrgId = buyer.orgId;
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

	const split = splitCheckout(priced.cart, input.shipTo.province, rates, []);
	if (!split.ok) throw refusal([split.error], p.locale);

	// Everything else in one statement (the lot rows are held until COMMIT, so the fewer round
	// trips the shorter the wait of the next checkout or live lock on a hot lot): each line's
	// allocation from free stock (the stock module's statement), the orders, their lines, their
	// first event, and the bought lots out of the cart.
	const dueAt = deadlines({ createdAt: now, paidAt: null, arrivedAt: null }, policy).unpaid;
	const at = sql`${now.toISOString()}::timestamptz`;
	const feeBp = policy.orders.wholesaleFeeBp;
	const drafts = split.orders.map((o) => ({
		id: randomUUID(),
		draft: o,
		lines: o.lines.map((l) => ({ id: randomUUID(), l }))
	}));
	const byLot = [...priced.cart.lines].sort((x, y) => (x.lotId < y.lotId ? -1 : 1));
	const allocs = byLot.map(
		(l, i) => sql`${sql.raw(`a${i}`)} as (${allocateFreeStatement(l.lotId, l.quantity)})`
	);
	const [res] = await execRows<{ orders: unknown; lots: unknown; removed: number }>(
		sql`with ${sql.join(allocs, sql`, `)},
		o as (
			insert into trade_orders (id, checkout_id, buyer_org_id, supplier_id, warehouse_province,
				warehouse_city, ship_to, state, goods_fen, packaging_fen, freight_fen,
				freight_market_fen, carrier_quoted, credit_fen, total_fen, fee_bp, created_at, due_at,
				updated_at)
			select x.id, ${checkoutId}::uuid, ${buyerOrgId}::uuid, x.supplier_id, x.province, x.city,
				${jsonb(input.shipTo)}, 'pending_payment', x.goods, x.packaging, x.freight,
				x.freight_market, x.carrier, x.credit, x.total, ${feeBp}, ${at},
				${dueAt.toISOString()}::timestamptz, ${at}
			from jsonb_to_recordset(${jsonb(
				drafts.map(({ id, draft: o }) => ({
					id,
					supplier_id: o.supplierId,
					province: o.warehouseProvince,
					city: o.warehouseCity,
					goods: o.goodsFen,
					packaging: o.packagingFen,
					freight: o.freightFen,
					freight_market: o.freight.marketFen,
					carrier: o.freight.carrier,
					credit: o.creditFen,
					total: o.totalFen
				}))
			)}) as x(id uuid, supplier_id uuid, province text, city text, goods bigint,
				packaging bigint, freight bigint, freight_market bigint, carrier text, credit bigint,
				total bigint)
			returning id, number
		), ln as (
			insert into trade_order_lines (id, order_id, lot_id, quantity, unit_price_fen,
				price_break_min, goods_fen, packaging, packaging_fen, credit_fen, line_fen,
				pieces_per_carton)
			select x.id, x.order_id, x.lot_id, x.quantity, x.unit_price, x.break_min, x.goods,
				x.packaging::text[], x.packaging_fen, 0, x.line_fen, x.ppc
			from jsonb_to_recordset(${jsonb(
				drafts.flatMap(({ id, lines: ls }) =>
					ls.map(({ id: lineId, l }) => ({
						id: lineId,
						order_id: id,
						lot_id: l.lotId,
						quantity: l.quantity,
						unit_price: l.unitPriceFen,
						break_min: l.priceBreak?.minQuantity ?? null,
						goods: l.goodsFen,
						packaging: textArray(l.packaging),
						packaging_fen: l.packagingFen,
						line_fen: l.lineFen,
						ppc: lots.get(l.lotId)!.piecesPerCarton
					}))
				)
			)}) as x(id uuid, order_id uuid, lot_id uuid, quantity int, unit_price int,
				break_min int, goods bigint, packaging text, packaging_fen bigint, line_fen bigint,
				ppc int)
			where x.order_id in (select id from o)
		), ev as (
			insert into trade_order_events (order_id, from_state, to_state, action, actor,
				actor_user_id, at)
			select id, null, 'pending_payment', 'checkout', 'buyer', ${p.userId}::uuid, ${at} from o
		), d as (
			delete from trade_cart_lines
			where buyer_org_id = ${buyerOrgId} and lot_id = any(${uuidArray(byLot.map((l) => l.lotId))})
			returning lot_id
		), c as (
			update trade_carts set updated_at = ${at}
			where buyer_org_id = ${buyerOrgId} and exists (select 1 from d)
		)
		select (select json_agg(json_build_object('id', id, 'number', number)) from o) as orders,
			(select json_agg(x) from (${sql.join(
				byLot.map((_, i) => sql`select * from ${sql.raw(`a${i}`)}`),
				sql` union all `
			)}) x) as lots,
			(select count(*)::int from d) as removed`,
		tx
	);
	const counters = (jsonValue<CounterJson[] | null>(res!.lots) ?? []).map(counterRow);
	// Under the lots' row locks every allocation succeeds; if one did not, nothing commits.
	if (counters.length !== byLot.length) {
		const got = new Set(counters.map((c) => c.id));
		const l = byLot.find((x) => !got.has(x.lotId))!;
		throw shortage([
			{
				field: `lines.${l.index}.quantity`,
				lotId: l.lotId,
				available: lots.get(l.lotId)!.available
			}
		]);
	}
	const numbers = new Map(
		(jsonValue<{ id: string; number: number | string }[]>(res!.orders) ?? []).map((r) => [
			r.id,
			Number(r.number)
		])
	);

	const rows: TradeOrderRow[] = drafts.map(({ id, draft: o }) => ({
		id,
		number: numbers.get(id)!,
		checkoutId,
		buyerOrgId,
		supplierId: o.supplierId,
		warehouseProvince: o.warehouseProvince,
		warehouseCity: o.warehouseCity,
		shipTo: input.shipTo,
		state: 'pending_payment',
		paymentMode: 'escrow',
		goodsFen: o.goodsFen,
		packagingFen: o.packagingFen,
		freightFen: o.freightFen,
		freightMarketFen: o.freight.marketFen,
		carrierQuoted: o.freight.carrier,
		creditFen: o.creditFen,
		totalFen: o.totalFen,
		feeBp,
		sealedSampleId: null,
		createdAt: now,
		paidAt: null,
		acceptedAt: null,
		packedAt: null,
		shippedAt: null,
		arrivedAt: null,
		acceptedByBuyerAt: null,
		releasedAt: null,
		closedAt: null,
		dueAt,
		version: 0,
		updatedAt: now
	}));

	// One payment intent per order through the chosen provider (the memo quotes the number).
	const provider = paymentProvider(input.provider);
	const intents = await Promise.all(
		rows.map((o) =>
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
	const intentRows: IntentRow[] = intents.map((i, k) => ({
		id: i.id,
		kind: 'order',
		refId: rows[k]!.id,
		buyerOrgId,
		provider: i.provider,
		amountFen: i.amountFen,
		status: i.status,
		providerRef: i.providerRef,
		instructions: i.instructions,
		idempotencyKey: `order:${rows[k]!.id}`,
		createdAt: now,
		expiresAt: i.expiresAt,
		confirmedAt: null,
		confirmedBy: null
	}));
	// The intents go out with COMMIT (one round trip): the lots are held no longer than that.
	await finish([
		sql`insert into trade_payment_intents (id, kind, ref_id, buyer_org_id, provider, amount_fen,
			status, provider_ref, instructions, idempotency_key, created_at, expires_at)
		select x.id, 'order', x.ref_id, ${buyerOrgId}::uuid, x.provider, x.amount_fen,
			x.status::trade_intent_status, x.provider_ref, x.instructions, x.idempotency_key,
			${at}, x.expires_at
		from jsonb_to_recordset(${jsonb(
			intentRows.map((i) => ({
				id: i.id,
				ref_id: i.refId,
				provider: i.provider,
				amount_fen: i.amountFen,
				status: i.status,
				provider_ref: i.providerRef,
				instructions: i.instructions,
				idempotency_key: i.idempotencyKey,
				expires_at: i.expiresAt ? i.expiresAt.toISOString() : null
			}))
		)}) as x(id uuid, ref_id uuid, provider text, amount_fen bigint, status text,
			provider_ref text, instructions jsonb, idempotency_key text, expires_at timestamptz)`
	]);

	// The buyer's answer, from what was just written (no read back).
	const orders = drafts.map(({ lines: ls }, k) => {
		const order = rows[k]!;
		return viewOf({
			order,
			buyerName: buyer.name,
			supplierName: lots.get(ls[0]!.l.lotId)!.supplierName,
			lines: [...ls]
				.sort((x, y) => (x.l.lotId < y.l.lotId ? -1 : 1))
				.map(({ id, l }) => {
					const lot = lots.get(l.lotId)!;
					return {
						id,
						orderId: order.id,
						lotId: l.lotId,
						quantity: l.quantity,
						unitPriceFen: l.unitPriceFen,
						priceBreakMin: l.priceBreak?.minQuantity ?? null,
						goodsFen: l.goodsFen,
						packaging: l.packaging,
						packagingFen: l.packagingFen,
						creditFen: 0,
						lineFen: l.lineFen,
						piecesPerCarton: lot.piecesPerCarton,
						title: lot.title,
						grade: lot.grade
					};
				}),
			parcels: [],
			events: [
				{
					id: 0,
					orderId: order.id,
					fromState: null,
					toState: 'pending_payment',
					action: 'checkout',
					actor: 'buyer',
					actorUserId: p.userId,
					note: null,
					at: now
				}
			],
			intent: intentRows[k],
			side: 'buyer'
		});
	});
	return { checkoutId, orders, rows, counters, cartChanged: Number(res!.removed) > 0 };
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
	if (!providerEnabled(input.provider)) throw providerUnavailable();
	const hash = checkoutRequestHash(input);

	// Partner rates to the buyer's province, read before any row is locked.
	const rates = await loadRates(db(), null, input.shipTo.province);

	// The key first (BEGIN travels with it): a concurrent request with the same key waits here
	// for ours to commit (then replays it) or roll back (then goes ahead).
	const first = sql`with ins as (
			insert into trade_checkouts (buyer_org_id, idempotency_key, request_hash, created_by,
				created_at)
			values (${buyerOrgId}, ${key}, ${hash}, ${p.userId}::uuid, ${now.toISOString()}::timestamptz)
			on conflict (buyer_org_id, idempotency_key) do nothing
			returning id
		)
		select (select id from ins) as id, (select name from orgs where id = ${buyerOrgId}) as buyer_name`;
	const outcome = await transactionFrom<
		{ id: string | null; buyer_name: string },
		{ replay: string } | { written: Written }
	>(first, async (tx, [row], finish) => {
		if (!row!.id) {
			const [prior] = await tx
				.select({ id: tradeCheckouts.id, requestHash: tradeCheckouts.requestHash })
				.from(tradeCheckouts)
				.where(
					and(eq(tradeCheckouts.buyerOrgId, buyerOrgId), eq(tradeCheckouts.idempotencyKey, key))
				);
			if (!prior || prior.requestHash !== hash) throw idempotencyConflict();
			return { replay: prior.id };
		}
		return {
			written: await write(
				tx,
				p,
				{ orgId: buyerOrgId, name: row!.buyer_name },
				input,
				row!.id,
				rates,
				now,
				finish
			)
		};
	});

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
	for (const o of written.rows) publishCommitted('trade.order.changed', orderChanged(o, 'created'));
	publishCommitted('stock.changed', { lots: written.counters, showIds: [] });
	if (written.cartChanged) publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	return { checkoutId: written.checkoutId, replayed: false, orders: written.orders };
}
