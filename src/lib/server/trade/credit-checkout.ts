// Checkout on credit terms (账期, issue 21; docs/TRADE.md "Credit terms: the service"): its own
// unbatched transaction (the escrow path's batcher stays as it is). The buyer's credit account
// row is locked FOR UPDATE before anything is decided, so two checkouts racing for the last of a
// limit queue on it and the second sees the first's exposure (`in_flight_fen`). Then the lots as
// the escrow path locks them, the same `decide`, the same write statement; the orders are marked
// `terms` and moved to `paid` by the system (no escrow money: `move` skips it for terms orders),
// and the account's in-flight exposure grows by their total. Nothing is written on any refusal.
import { SampleCredits } from './sample-credit';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { checkLimit } from '$lib/domain/trade/credit';
import type { CartLineInput } from '$lib/domain/trade/cart';
import { deadlines } from '$lib/domain/trade/order-state';
import { db, execRows, jsonValue } from '../db';
import { tradeCheckouts, tradeCreditAccounts, tradeOrders } from '../db/schema';
import { AppError } from '../errors';
import { publishCommitted, transaction } from '../events/bus';
import { currentPolicy } from '../platform/policy';
import { counterRow, type CounterJson } from '../stock';
import { policyPackaging, storedCartLines } from './cart';
import { loadCartLots, loadRates } from './cart-lots';
import type { CheckoutResult, decide, Request, writeStatement } from './checkout';
import { openInvoices } from './credit';
import { orderChanged } from './publish';
import { orderViews } from './queries';
import { moveOrder, type MoveResult } from './transition';

/** The refusal of a checkout on terms (422), from the domain's `checkLimit`. */
export function creditRefusal(r: Exclude<ReturnType<typeof checkLimit>, { ok: true }>): AppError {
	switch (r.code) {
		case 'credit_none':
			return new AppError('rule', 'credit_none', 'trade.credit.err.none', { field: 'paymentMode' });
		case 'credit_b2b_moq':
			return new AppError('rule', 'credit_b2b_moq', 'trade.credit.err.b2b_moq', {
				field: 'lines',
				params: { minimum: r.minimum },
				details: { minimum: r.minimum }
			});
		case 'credit_overdue':
			return new AppError('rule', 'credit_overdue', 'trade.credit.err.overdue', {
				field: 'paymentMode',
				params: { dueAt: r.dueAt.toISOString().slice(0, 10) },
				details: { invoiceId: r.invoiceId, dueAt: r.dueAt.toISOString() }
			});
		case 'credit_limit':
			return new AppError('rule', 'credit_limit', 'trade.credit.err.limit', {
				field: 'paymentMode',
				params: { availableFen: r.availableFen, available: (r.availableFen / 100).toFixed(2) },
				details: { availableFen: r.availableFen }
			});
	}
}

const idempotencyConflict = () =>
	new AppError('conflict', 'idempotency_conflict', 'trade.err.idempotency_conflict', {
		field: 'idempotencyKey'
	});

/** A checkout on terms; the result also says whether the limit's warning share is reached. */
/** The escrow path's own steps, passed in by checkout.ts (no import cycle between the two). */
export interface CheckoutSteps {
	decide: typeof decide;
	writeStatement: typeof writeStatement;
}

export async function checkoutOnTerms(
	req: Request,
	{ decide, writeStatement }: CheckoutSteps
): Promise<CheckoutResult & { creditWarning?: boolean }> {
	const { p, buyerOrgId, key, hash, input, now } = req;
	const policy = currentPolicy().trade;
	const rates = await loadRates(db(), null, input.shipTo.province);
	const outcome = await transaction(async (tx) => {
		const [claimed] = await tx
			.insert(tradeCheckouts)
			.values({
				buyerOrgId,
				idempotencyKey: key,
				requestHash: hash,
				createdBy: p.userId ?? null,
				createdAt: now
			})
			.onConflictDoNothing()
			.returning({ id: tradeCheckouts.id });
		if (!claimed) {
			const [prior] = await tx
				.select({ id: tradeCheckouts.id, requestHash: tradeCheckouts.requestHash })
				.from(tradeCheckouts)
				.where(
					and(eq(tradeCheckouts.buyerOrgId, buyerOrgId), eq(tradeCheckouts.idempotencyKey, key))
				);
			if (!prior || prior.requestHash !== hash) throw idempotencyConflict();
			return { kind: 'replay' as const, checkoutId: prior.id };
		}
		// The account first (the exposure is decided under this lock), then the lots.
		const [account] = await tx
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId))
			.for('update');
		if (!account || account.status !== 'approved') {
			throw creditRefusal({ ok: false, code: 'credit_none' });
		}
		const lines: CartLineInput[] = input.lines
			? input.lines.map((l) => ({
					lotId: l.lotId.toLowerCase(),
					quantity: l.quantity,
					packaging: l.packaging
				}))
			: (await storedCartLines(tx, buyerOrgId)).map((l) => ({
					lotId: l.lotId,
					quantity: l.quantity,
					packaging: policyPackaging(l.packaging)
				}));
		const locked = await loadCartLots(
			tx,
			lines.map((l) => l.lotId),
			{ forUpdate: true }
		);
		// No sample credit on terms: the credit is taken out of escrow, and terms hold none.
		const d = decide(req, lines, locked, new Map(), rates, new SampleCredits());
		const pieces = d.drafts.reduce(
			(s, o) => s + o.lines.reduce((t, { l }) => t + l.quantity, 0),
			0
		);
		const amountFen = d.drafts.reduce((s, o) => s + o.draft.totalFen, 0);
		const check = checkLimit(
			{ limitFen: account.limitFen, approved: true },
			await openInvoices(tx, buyerOrgId),
			account.inFlightFen,
			{ amountFen, pieces },
			now,
			policy
		);
		if (!check.ok) throw creditRefusal(check);

		const [buyer] = await execRows<{ name: string }>(
			sql`select name from orgs where id = ${buyerOrgId}`,
			tx
		);
		const plan = {
			i: 0,
			req,
			checkoutId: claimed.id,
			buyerName: buyer?.name ?? '',
			...d,
			dueAt: deadlines({ createdAt: now, paidAt: null, arrivedAt: null }, policy).unpaid
		};
		const allocations = new Map<string, number>();
		for (const o of d.drafts) {
			for (const { l } of o.lines) {
				allocations.set(l.lotId, (allocations.get(l.lotId) ?? 0) + l.quantity);
			}
		}
		const [res] = await execRows<{ lots: unknown }>(writeStatement([plan], allocations), tx);
		const counters = (jsonValue<CounterJson[] | null>(res!.lots) ?? []).map(counterRow);
		if (counters.length !== allocations.size) throw new Error('terms checkout: allocation failed');
		const ids = d.drafts.map((o) => o.id);
		await tx.update(tradeOrders).set({ paymentMode: 'terms' }).where(inArray(tradeOrders.id, ids));
		const moved: MoveResult[] = [];
		for (const orderId of ids) {
			moved.push(
				await moveOrder(tx, {
					orderId,
					action: 'pay',
					actor: { party: 'system', userId: null },
					note: 'terms',
					now,
					policy
				})
			);
		}
		await tx
			.update(tradeCreditAccounts)
			.set({
				inFlightFen: sql`${tradeCreditAccounts.inFlightFen} + ${amountFen}`,
				version: sql`${tradeCreditAccounts.version} + 1`
			})
			.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId));
		return {
			kind: 'written' as const,
			checkoutId: claimed.id,
			ids,
			moved,
			counters,
			warn: check.warn
		};
	});
	if (outcome.kind === 'written') {
		publishCommitted('stock.changed', { lots: outcome.counters, showIds: [] });
		for (const m of outcome.moved)
			publishCommitted('trade.order.changed', orderChanged(m.row, 'created'));
		if (!input.lines) publishCommitted('trade.cart.changed', { buyerOrgId, at: now });
	}
	const ids =
		outcome.kind === 'written'
			? outcome.ids
			: (
					await db()
						.select({ id: tradeOrders.id })
						.from(tradeOrders)
						.where(eq(tradeOrders.checkoutId, outcome.checkoutId))
						.orderBy(tradeOrders.number)
				).map((r) => r.id);
	return {
		checkoutId: outcome.checkoutId,
		replayed: outcome.kind === 'replay',
		orders: await orderViews(db(), ids, () => 'buyer'),
		...(outcome.kind === 'written' ? { creditWarning: outcome.warn } : {})
	};
}
