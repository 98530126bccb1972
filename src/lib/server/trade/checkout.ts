// Checkout: the buyer's cart (or explicit lines) becomes one trade order per supplier and
// warehouse, in ONE transaction: idempotency key, lots locked in id order, every line problem at
// once (422), stock (409 with `available`), freight per order, stock allocated through the stock
// module, orders + lines + their first event + a payment intent each, bought lines out of the
// cart. Nothing is written on any refusal (the transaction rolls back, the key included, so the
// buyer can fix the cart and retry with the same key).
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { priceCart, type CartLineInput } from '$lib/domain/trade/cart';
import { splitCheckout, type RateTable, type TradeOrderDraft } from '$lib/domain/trade/checkout';
import { deadlines } from '$lib/domain/trade/order-state';
import type { TradeOrderView } from '$lib/trade/types';
import type { Principal } from '../auth/principal';
import { db, execRows, isDataRefusal, jsonValue, uuidArray } from '../db';
import { env } from '../env';
import { KeyedBatcher } from '../platform/batcher';
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
import { loadCartLots, loadRates, type CartLotInfo } from './cart-lots';
import { orderChanged } from './publish';
import { applySampleCredits, lineCredit, SampleCredits } from './sample-credit';
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

/** One checkout as the batcher takes it: parsed and validated, nothing read yet. */
interface Request {
	p: Principal;
	buyerOrgId: string;
	key: string;
	hash: string;
	input: Input;
	now: Date;
}

/** A checkout's fate in its batch: written (answer built), replayed, or refused. */
type Outcome =
	| { kind: 'written'; written: Written }
	| { kind: 'replay'; checkoutId: string }
	| { kind: 'refused'; error: unknown };

interface Written {
	checkoutId: string;
	orders: TradeOrderView[];
	rows: TradeOrderRow[];
	cartChanged: boolean;
}

/** A checkout decided in memory, to be written with the rest of its batch. */
interface Plan {
	i: number;
	req: Request;
	checkoutId: string;
	buyerName: string;
	lots: Map<string, CartLotInfo>;
	lotIds: string[];
	dueAt: Date;
	drafts: {
		id: string;
		draft: TradeOrderDraft;
		lines: { id: string; l: TradeOrderDraft['lines'][number] }[];
	}[];
}

/** A JSON document as one statement parameter. */
const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
/** A text[] literal (packaging options are plain identifiers). */
const textArray = (a: readonly string[]) => `{${a.join(',')}}`;

/**
 * Decides one checkout against the batch's locked lots and what the earlier checkouts of the
 * batch left free (`free`, decremented here on success). Throws the checkout's refusal.
 */
function decide(
	req: Request,
	lines: CartLineInput[],
	locked: Map<string, CartLotInfo>,
	free: Map<string, number>,
	rates: RateTable,
	credits: SampleCredits
): { lots: Map<string, CartLotInfo>; drafts: Plan['drafts']; lotIds: string[] } {
	const policy = currentPolicy().trade;
	const { p, input } = req;
	if (lines.length === 0) {
		throw refusal([{ code: 'empty_cart', field: 'lines', params: {} }], p.locale);
	}
	// This checkout's lots, with what is free after the earlier checkouts of the batch.
	const lots = new Map<string, CartLotInfo>();
	for (const l of lines) {
		const lot = locked.get(l.lotId);
		if (lot) lots.set(l.lotId, { ...lot, available: free.get(l.lotId) ?? lot.available });
	}
	const priced = priceCart(lines, lots, policy);
	if (!priced.ok) throw refusal(priced.errors, p.locale);

	const short = priced.cart.lines.flatMap((l) => {
		const lot = lots.get(l.lotId)!;
		return lot.available < l.quantity
			? [{ field: `lines.${l.index}.quantity`, lotId: l.lotId, available: lot.available }]
			: [];
	});
	if (short.length > 0) throw shortage(short);

	const offers = credits.offers(req.buyerOrgId, priced.cart.lines, lots, req.now, policy);
	const split = splitCheckout(priced.cart, input.shipTo.province, rates, offers);
	if (!split.ok) throw refusal([split.error], p.locale);
	credits.take(split.orders);

	for (const l of priced.cart.lines) free.set(l.lotId, lots.get(l.lotId)!.available - l.quantity);
	return {
		lots,
		lotIds: priced.cart.lines.map((l) => l.lotId),
		drafts: split.orders.map((o) => ({
			id: randomUUID(),
			draft: o,
			lines: o.lines.map((l) => ({ id: randomUUID(), l }))
		}))
	};
}

/**
 * The write of a whole batch in one statement (the lot rows are held until COMMIT, so the
 * fewer round trips the shorter the wait of the next batch or live lock on a hot lot): each
 * lot's allocation from free stock (the stock module's statement, the batch's quantities
 * summed), the orders, their lines, their first event, and the bought lots out of the carts.
 */
function writeStatement(plans: Plan[], allocations: Map<string, number>): SQL {
	const feeBp = currentPolicy().trade.orders.wholesaleFeeBp;
	const byLot = [...allocations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const allocs = byLot.map(
		([lotId, qty], i) => sql`${sql.raw(`a${i}`)} as (${allocateFreeStatement(lotId, qty)})`
	);
	const last = plans[plans.length - 1]!.req.now;
	return sql`with ${sql.join(allocs, sql`, `)},
		o as (
			insert into trade_orders (id, checkout_id, buyer_org_id, supplier_id, warehouse_province,
				warehouse_city, ship_to, state, goods_fen, packaging_fen, freight_fen,
				freight_market_fen, carrier_quoted, credit_fen, total_fen, fee_bp, created_at, due_at,
				updated_at)
			select x.id, x.checkout_id, x.buyer_org_id, x.supplier_id, x.province, x.city,
				x.ship_to, 'pending_payment', x.goods, x.packaging, x.freight,
				x.freight_market, x.carrier, x.credit, x.total, ${feeBp}, x.at, x.due_at, x.at
			from jsonb_to_recordset(${jsonb(
				plans
					.flatMap(({ req, checkoutId, drafts, dueAt }) =>
						drafts.map(({ id, draft: o }) => ({
							id,
							checkout_id: checkoutId,
							buyer_org_id: req.buyerOrgId,
							ship_to: req.input.shipTo,
							supplier_id: o.supplierId,
							province: o.warehouseProvince,
							city: o.warehouseCity,
							goods: o.goodsFen,
							packaging: o.packagingFen,
							freight: o.freightFen,
							freight_market: o.freight.marketFen,
							carrier: o.freight.carrier,
							credit: o.creditFen,
							total: o.totalFen,
							at: req.now.toISOString(),
							due_at: dueAt.toISOString()
						}))
					)
					.map((row, n) => ({ ...row, n }))
			)}) as x(id uuid, checkout_id uuid, buyer_org_id uuid, ship_to jsonb,
				supplier_id uuid, province text, city text, goods bigint, packaging bigint,
				freight bigint, freight_market bigint, carrier text, credit bigint, total bigint,
				at timestamptz, due_at timestamptz, n bigint)
			order by x.n
			returning id, number
		), ln as (
			insert into trade_order_lines (id, order_id, lot_id, quantity, unit_price_fen,
				price_break_min, goods_fen, packaging, packaging_fen, credit_fen, line_fen,
				pieces_per_carton)
			select x.id, x.order_id, x.lot_id, x.quantity, x.unit_price, x.break_min, x.goods,
				x.packaging::text[], x.packaging_fen, x.credit, x.line_fen, x.ppc
			from jsonb_to_recordset(${jsonb(
				plans.flatMap(({ drafts, lots }) =>
					drafts.flatMap(({ id, draft, lines: ls }) =>
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
							credit: lineCredit(draft, l.lotId),
							line_fen: l.lineFen,
							ppc: lots.get(l.lotId)!.piecesPerCarton
						}))
					)
				)
			)}) as x(id uuid, order_id uuid, lot_id uuid, quantity int, unit_price int,
				break_min int, goods bigint, packaging text, packaging_fen bigint, credit bigint,
				line_fen bigint, ppc int)
			where x.order_id in (select id from o)
		), ev as (
			insert into trade_order_events (order_id, from_state, to_state, action, actor,
				actor_user_id, at)
			select x.order_id, null, 'pending_payment', 'checkout', 'buyer', x.user_id, x.at
			from jsonb_to_recordset(${jsonb(
				plans.flatMap(({ req, drafts }) =>
					drafts.map(({ id }) => ({
						order_id: id,
						user_id: req.p.userId,
						at: req.now.toISOString()
					}))
				)
			)}) as x(order_id uuid, user_id uuid, at timestamptz)
			where x.order_id in (select id from o)
		), d as (
			delete from trade_cart_lines c
			using jsonb_to_recordset(${jsonb(
				plans.flatMap(({ req, lotIds }) => lotIds.map((lot) => ({ buyer: req.buyerOrgId, lot })))
			)}) as x(buyer uuid, lot uuid)
			where c.buyer_org_id = x.buyer and c.lot_id = x.lot
			returning c.buyer_org_id
		), c as (
			update trade_carts set updated_at = ${last.toISOString()}::timestamptz
			where buyer_org_id in (select buyer_org_id from d)
		)
		select (select json_agg(json_build_object('id', id, 'number', number)) from o) as orders,
			(select json_agg(x) from (${sql.join(
				byLot.map((_, i) => sql`select * from ${sql.raw(`a${i}`)}`),
				sql` union all `
			)}) x) as lots,
			(select json_agg(distinct buyer_org_id) from d) as removed`;
}

/** An allocation the locked rows should always have allowed: the batch is retried apart. */
class AllocationFailed extends Error {}

/**
 * One transaction for a batch of checkouts, decided in arrival order as if one after another:
 * 1. their Idempotency-Keys claimed (BEGIN travels with it; a concurrent request with one of the
 *    keys on another node waits for our COMMIT, then replays, or for the key's removal);
 * 2. the carts of the checkouts without lines read, the union of the lots locked FOR UPDATE in
 *    id order (docs/STOCK.md: this is what serialises with live locks);
 * 3. each checkout decided in memory against what the earlier ones left (the same refusals as
 *    alone); 4. everything written in one statement; the payment intents and the removal of the
 *    refused checkouts' keys go with COMMIT. No checkout written: the transaction rolls back.
 */
async function checkoutBatch(reqs: Request[]): Promise<Outcome[]> {
	// A key twice in the batch, or a cart checkout after another checkout of its buyer, waits for
	// the next batch (it must see what the earlier one did, as it would one after another).
	const now: number[] = [];
	const later: number[] = [];
	const keys = new Set<string>();
	const buyers = new Set<string>();
	reqs.forEach((r, i) => {
		const k = `${r.buyerOrgId}\n${r.key}`;
		if (keys.has(k) || (!r.input.lines && buyers.has(r.buyerOrgId))) later.push(i);
		else now.push(i);
		keys.add(k);
		buyers.add(r.buyerOrgId);
	});
	if (later.length > 0) {
		const first = await checkoutBatch(now.map((i) => reqs[i]!));
		const rest = await checkoutBatch(later.map((i) => reqs[i]!));
		const out: Outcome[] = new Array(reqs.length);
		now.forEach((i, k) => (out[i] = first[k]!));
		later.forEach((i, k) => (out[i] = rest[k]!));
		return out;
	}

	// Partner rates to each buyer's province and the buyers' sample credits (issue 19), read
	// before any row is locked: the lots stay locked for fewer round trips. A credit another
	// checkout takes meanwhile is caught by applySampleCredits' conditional update (the batch is
	// then retried apart and reads again).
	const provinces = [...new Set(reqs.map((r) => r.input.shipTo.province))];
	const [rates, sampleCredits] = await Promise.all([
		Promise.all(provinces.map(async (pr) => [pr, await loadRates(db(), null, pr)] as const)),
		SampleCredits.load(db(), [...new Set(reqs.map((r) => r.buyerOrgId))])
	]);
	const rateTables = new Map(rates);

	const outcomes: Outcome[] = new Array(reqs.length);
	let written: { plans: Plan[]; counters: LotCounterRow[]; removed: Set<string> } | null = null;
	const first = sql`with k as (
			select * from jsonb_to_recordset(${jsonb(
				reqs.map((r, i) => ({
					i,
					buyer: r.buyerOrgId,
					key: r.key,
					hash: r.hash,
					user_id: r.p.userId ?? null,
					at: r.now.toISOString()
				}))
			)}) as x(i int, buyer uuid, key text, hash text, user_id uuid, at timestamptz)
		), ins as (
			insert into trade_checkouts (buyer_org_id, idempotency_key, request_hash, created_by,
				created_at)
			select buyer, key, hash, user_id, at from k order by i
			on conflict (buyer_org_id, idempotency_key) do nothing
			returning id, buyer_org_id, idempotency_key
		)
		select k.i, ins.id, (select name from orgs where id = k.buyer) as buyer_name
		from k left join ins on ins.buyer_org_id = k.buyer and ins.idempotency_key = k.key
		order by k.i`;
	const NOTHING_WRITTEN = Symbol('nothing written');
	try {
		await transactionFrom<{ i: number; id: string | null; buyer_name: string }, void>(
			first,
			async (tx, claimed, finish) => {
				const refusedKeys: string[] = [];
				const toDecide: { i: number; checkoutId: string; buyerName: string }[] = [];
				for (const row of claimed) {
					const i = Number(row.i);
					const r = reqs[i]!;
					if (row.id) {
						toDecide.push({ i, checkoutId: row.id, buyerName: row.buyer_name });
						continue;
					}
					// The key was there before (committed, or committed while we waited for it).
					const [prior] = await tx
						.select({ id: tradeCheckouts.id, requestHash: tradeCheckouts.requestHash })
						.from(tradeCheckouts)
						.where(
							and(
								eq(tradeCheckouts.buyerOrgId, r.buyerOrgId),
								eq(tradeCheckouts.idempotencyKey, r.key)
							)
						);
					outcomes[i] =
						!prior || prior.requestHash !== r.hash
							? { kind: 'refused', error: idempotencyConflict() }
							: { kind: 'replay', checkoutId: prior.id };
				}
				// The lines of each checkout: as sent, or its buyer's cart.
				const linesOf = new Map<number, CartLineInput[]>();
				for (const { i } of toDecide) {
					const r = reqs[i]!;
					linesOf.set(
						i,
						r.input.lines
							? r.input.lines.map((l) => ({
									lotId: l.lotId.toLowerCase(),
									quantity: l.quantity,
									packaging: l.packaging
								}))
							: (await storedCartLines(tx, r.buyerOrgId)).map((l) => ({
									lotId: l.lotId,
									quantity: l.quantity,
									packaging: policyPackaging(l.packaging)
								}))
					);
				}
				// Lots FOR UPDATE in id order (docs/STOCK.md): price and stock are decided on rows
				// that nobody changes before COMMIT; a live show's lock waits for us, or we for it.
				const locked = await loadCartLots(
					tx,
					[...linesOf.values()].flatMap((ls) => ls.map((l) => l.lotId)),
					{ forUpdate: true }
				);
				const free = new Map<string, number>();
				const plans: Plan[] = [];
				for (const { i, checkoutId, buyerName } of toDecide) {
					const req = reqs[i]!;
					try {
						const d = decide(
							req,
							linesOf.get(i)!,
							locked,
							free,
							rateTables.get(req.input.shipTo.province)!,
							sampleCredits
						);
						plans.push({
							i,
							req,
							checkoutId,
							buyerName,
							...d,
							dueAt: deadlines(
								{ createdAt: req.now, paidAt: null, arrivedAt: null },
								currentPolicy().trade
							).unpaid
						});
					} catch (e) {
						outcomes[i] = { kind: 'refused', error: e };
						refusedKeys.push(checkoutId);
					}
				}
				if (plans.length === 0) throw NOTHING_WRITTEN;

				const allocations = new Map<string, number>();
				for (const pl of plans) {
					for (const o of pl.drafts) {
						for (const { l } of o.lines) {
							allocations.set(l.lotId, (allocations.get(l.lotId) ?? 0) + l.quantity);
						}
					}
				}
				const [res] = await execRows<{ orders: unknown; lots: unknown; removed: unknown }>(
					writeStatement(plans, allocations),
					tx
				);
				const counters = (jsonValue<CounterJson[] | null>(res!.lots) ?? []).map(counterRow);
				// Under the lots' row locks every allocation succeeds; if one did not, nothing commits.
				if (counters.length !== allocations.size) throw new AllocationFailed();
				const credited = await applySampleCredits(
					tx,
					plans.flatMap((pl) =>
						pl.drafts.map((d) => ({
							id: d.id,
							buyerOrgId: pl.req.buyerOrgId,
							feeBp: currentPolicy().trade.orders.wholesaleFeeBp,
							draft: d.draft,
							lines: d.lines,
							now: pl.req.now
						}))
					)
				);
				if (!credited) throw new AllocationFailed();
				const numbers = new Map(
					(jsonValue<{ id: string; number: number | string }[]>(res!.orders) ?? []).map((r) => [
						r.id,
						Number(r.number)
					])
				);
				const intents = await Promise.all(plans.map((pl) => intentsOf(pl, numbers)));
				await finish([
					intentsStatement(intents.flat()),
					...(refusedKeys.length > 0
						? [sql`delete from trade_checkouts where id = any(${uuidArray(refusedKeys)})`]
						: [])
				]);
				written = {
					plans: plans.map((pl, k) => ({ ...pl, intents: intents[k]! })),
					counters,
					removed: new Set(jsonValue<string[] | null>(res!.removed) ?? [])
				};
			}
		);
	} catch (e) {
		if (e !== NOTHING_WRITTEN) throw e;
	}
	if (written) {
		const w: {
			plans: (Plan & { intents: PlannedIntent[] })[];
			counters: LotCounterRow[];
			removed: Set<string>;
		} = written;
		// The lots' counters once for the whole batch (they are the batch's final ones).
		publishCommitted('stock.changed', { lots: w.counters, showIds: [] });
		const cartsTold = new Set<string>();
		for (const pl of w.plans) {
			const cartChanged = w.removed.has(pl.req.buyerOrgId) && !cartsTold.has(pl.req.buyerOrgId);
			if (cartChanged) cartsTold.add(pl.req.buyerOrgId);
			outcomes[pl.i] = {
				kind: 'written',
				written: answerOf(pl, pl.intents, cartChanged)
			};
		}
	}
	return outcomes;
}

interface PlannedIntent {
	row: IntentRow;
	order: TradeOrderRow;
}

/** One payment intent per order through the chosen provider (the memo quotes the number). */
async function intentsOf(pl: Plan, numbers: Map<string, number>): Promise<PlannedIntent[]> {
	const { req, dueAt, checkoutId } = pl;
	const provider = paymentProvider(req.input.provider);
	const feeBp = currentPolicy().trade.orders.wholesaleFeeBp;
	return Promise.all(
		pl.drafts.map(async ({ id, draft: o }) => {
			const order: TradeOrderRow = {
				id,
				number: numbers.get(id)!,
				checkoutId,
				buyerOrgId: req.buyerOrgId,
				supplierId: o.supplierId,
				warehouseProvince: o.warehouseProvince,
				warehouseCity: o.warehouseCity,
				shipTo: req.input.shipTo,
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
				sealedSampleId: o.credits[0]?.sampleId ?? null,
				createdAt: req.now,
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
				updatedAt: req.now
			};
			const i = await provider.createIntent({
				purpose: { kind: 'order', tradeOrderId: id },
				buyerOrgId: req.buyerOrgId,
				amountFen: o.totalFen,
				reference: `LT${order.number}`,
				expiresAt: dueAt,
				idempotencyKey: `order:${id}`
			});
			const row: IntentRow = {
				id: i.id,
				kind: 'order',
				refId: id,
				buyerOrgId: req.buyerOrgId,
				provider: i.provider,
				amountFen: i.amountFen,
				status: i.status,
				providerRef: i.providerRef,
				instructions: i.instructions,
				idempotencyKey: `order:${id}`,
				createdAt: req.now,
				expiresAt: i.expiresAt,
				confirmedAt: null,
				confirmedBy: null
			};
			return { row, order };
		})
	);
}

/** The intents of a batch in one statement (it goes out with COMMIT). */
function intentsStatement(intents: PlannedIntent[]): SQL {
	return sql`insert into trade_payment_intents (id, kind, ref_id, buyer_org_id, provider,
			amount_fen, status, provider_ref, instructions, idempotency_key, created_at, expires_at)
		select x.id, 'order', x.ref_id, x.buyer_org_id, x.provider, x.amount_fen,
			x.status::trade_intent_status, x.provider_ref, x.instructions, x.idempotency_key,
			x.created_at, x.expires_at
		from jsonb_to_recordset(${jsonb(
			intents.map(({ row: i }) => ({
				id: i.id,
				ref_id: i.refId,
				buyer_org_id: i.buyerOrgId,
				provider: i.provider,
				amount_fen: i.amountFen,
				status: i.status,
				provider_ref: i.providerRef,
				instructions: i.instructions,
				idempotency_key: i.idempotencyKey,
				created_at: i.createdAt.toISOString(),
				expires_at: i.expiresAt ? i.expiresAt.toISOString() : null
			}))
		)}) as x(id uuid, ref_id uuid, buyer_org_id uuid, provider text, amount_fen bigint,
			status text, provider_ref text, instructions jsonb, idempotency_key text,
			created_at timestamptz, expires_at timestamptz)`;
}

/** The buyer's answer, from what was just written (no read back). */
function answerOf(pl: Plan, intents: PlannedIntent[], cartChanged: boolean): Written {
	const { req, lots } = pl;
	const orders = pl.drafts.map(({ draft, lines: ls }, k) => {
		const { order, row: intent } = intents[k]!;
		return viewOf({
			order,
			buyerName: pl.buyerName,
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
						creditFen: lineCredit(draft, l.lotId),
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
					actorUserId: req.p.userId,
					note: null,
					at: req.now
				}
			],
			intent,
			side: 'buyer'
		});
	});
	return {
		checkoutId: pl.checkoutId,
		orders,
		rows: intents.map((x) => x.order),
		cartChanged
	};
}

// TRADE_CHECKOUT_BATCH_MAX=1 gives each checkout its own transaction (bench:trade's baseline).
let batcherInstance: KeyedBatcher<Request, Outcome> | undefined;
function batcher(): KeyedBatcher<Request, Outcome> {
	batcherInstance ??= new KeyedBatcher<Request, Outcome>(
		(_key, reqs) => checkoutBatch(reqs),
		env().TRADE_CHECKOUT_BATCH_MAX,
		env().TRADE_CHECKOUT_BATCH_MAX === 1 ? 1 : env().TRADE_CHECKOUT_BATCH_IN_FLIGHT,
		// One checkout the database refuses must not fail its neighbours: retried apart.
		(e) => e instanceof AllocationFailed || isDataRefusal(e)
	);
	return batcherInstance;
}

/**
 * Checkout: raw `{ lines?: [{ lotId, quantity, packaging? }], shipTo: TradeShipTo, provider:
 * 'bank_transfer' | 'test' }` (no lines → the cart's lines). Splits per (supplier, warehouse),
 * allocates stock through the stock module, creates the orders (pending_payment) and one payment
 * intent per order, removes bought lines from the cart. Refusals: 422 with `lines.<n>.quantity`
 * and params (moq/step), 409 `insufficient_stock` with `available`, 422 blocked/unadmitted;
 * the same key → the same orders; the same key with another request → 409. Concurrent
 * checkouts share one transaction (`checkoutBatch`), each decided as if alone, in arrival order.
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

	const outcome = await batcher().submit('checkout', { p, buyerOrgId, key, hash, input, now });
	if (outcome.kind === 'refused') throw outcome.error;
	if (outcome.kind === 'replay') {
		const ids = await db()
			.select({ id: tradeOrders.id })
			.from(tradeOrders)
			.where(eq(tradeOrders.checkoutId, outcome.checkoutId))
			.orderBy(tradeOrders.number);
		return {
			checkoutId: outcome.checkoutId,
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
	if (written.cartChanged) publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	return { checkoutId: written.checkoutId, replayed: false, orders: written.orders };
}
