// The ledger's side of wholesale trade (issue 18): the trade module publishes `trade.money` in its
// transaction with postings from the pure escrow rules; the ledger posts them there. These tests
// publish the events as trade does (through a bus transaction) and read the ledger back.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	openEscrow,
	refundAll,
	refundItem,
	releaseAll,
	type EscrowBook,
	type EscrowItemInput,
	type TradePosting
} from '../../src/lib/domain/trade/escrow';
import { sessionPrincipal, type Principal } from '../../src/lib/server/auth/principal';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { db, execRows } from '../../src/lib/server/db';
import { orgs } from '../../src/lib/server/db/schema';
import { publishInTx, transaction } from '../../src/lib/server/events/bus';
import type { TradeMoney } from '../../src/lib/server/events/map';
import {
	platformRevenue,
	statement,
	supplierReceivables,
	tradeKey
} from '../../src/lib/server/ledger';
import { counts, owedTo } from '../helpers/ledger';
import { makeMember, makeUser } from '../helpers/users';

type U = { user: SessionUser; orgId: string | null };
let supplier: U, otherSupplier: U, buyer: U, operator: U;
const as = (u: U): Principal => sessionPrincipal(u.user);

// October 2026, China time: paid on the 2nd, released on the 9th.
const PAID = new Date('2026-10-02T03:00:00Z');
const RELEASED = new Date('2026-10-09T03:00:00Z');
const FEE_BP = 300;

interface Order {
	orderId: string;
	book: EscrowBook;
	lines: string[];
}

function newOrder(items: Omit<EscrowItemInput, 'itemId'>[], supplierOrgId: string) {
	const orderId = randomUUID();
	const inputs = items.map((i) => ({
		...i,
		itemId: i.kind === 'freight' ? `${orderId}:freight` : randomUUID()
	}));
	const opened = openEscrow({ orderId, supplierOrgId, feeBp: FEE_BP }, inputs);
	return {
		order: {
			orderId,
			book: opened.book,
			lines: inputs.filter((i) => i.kind === 'goods').map((i) => i.itemId)
		},
		payment: opened.payment,
		credit: opened.credit
	};
}

/** Publishes money events of one order in one bus transaction, as the trade service does. */
async function publish(
	o: Order,
	events: { kind: TradeMoney['kind']; key: string; at: Date; postings: TradePosting[] }[],
	supplierId = supplier.orgId!
) {
	await transaction(async (tx) => {
		for (const e of events) {
			await publishInTx(tx, 'trade.money', {
				...e,
				orderId: o.orderId,
				buyerOrgId: buyer.orgId!,
				supplierId
			});
		}
	});
}

/** Escrow held per item of an order (freight's entries name the order id), from the entries. */
async function escrowByItem(orderId: string): Promise<Map<string, number>> {
	const rows = await execRows<{ item: string | null; s: string | number }>(
		sql`select e.sale_line_id as item, -sum(e.amount_fen) as s
			from ledger_entries e where e.account_kind = 'escrow' and e.order_id = ${orderId}
			group by 1`
	);
	return new Map(rows.map((r) => [r.item ?? 'null', Number(r.s)]));
}

async function unbalancedTransactions(): Promise<number> {
	const [r] = await execRows<{ n: number }>(
		sql`select count(*)::int as n from (select transaction_id from ledger_entries
			group by 1 having sum(amount_fen) <> 0) x`
	);
	return Number(r!.n);
}

let paidOrder: Order;
let refundedOrder: Order;

beforeAll(async () => {
	supplier = await makeUser('supplier_staff', { orgName: '广州衣尚服饰' });
	otherSupplier = await makeUser('supplier_staff', { orgName: '杭州别家' });
	buyer = await makeUser('buyer', { orgName: '广东摆摊王' });
	const [platform] = await db().insert(orgs).values({ kind: 'platform', name: '平台' }).returning();
	operator = await makeMember('operator', platform!.id);
});

describe('trade.money postings', () => {
	it('payment and sample credit go into escrow per item, balanced; freight names the order', async () => {
		const { order, payment, credit } = newOrder(
			[
				{ kind: 'goods', lotId: randomUUID(), amountFen: 1_765_000, creditFen: 15_000 },
				{ kind: 'goods', lotId: randomUUID(), amountFen: 420_500, creditFen: 0 },
				{ kind: 'freight', lotId: null, amountFen: 160_000, creditFen: 0 }
			],
			supplier.orgId!
		);
		paidOrder = order;
		await publish(order, [
			{ kind: 'sample_credit', key: `credit:${order.orderId}`, at: PAID, postings: credit },
			{ kind: 'trade_payment', key: `pay:${order.orderId}`, at: PAID, postings: payment }
		]);
		expect(await unbalancedTransactions()).toBe(0);
		const held = await escrowByItem(order.orderId);
		expect(held.get(order.lines[0]!)).toBe(1_765_000);
		expect(held.get(order.lines[1]!)).toBe(420_500);
		expect(held.get(order.orderId)).toBe(160_000);
		expect(held.has('null')).toBe(false);
		// The buyer's cash is the total less the credit; the supplier gave back the sample fee.
		expect(-(await owedTo('cash', null))).toBe(1_765_000 + 420_500 + 160_000 - 15_000);
		expect(await owedTo('supplier_payable', supplier.orgId!)).toBe(-15_000);
		const [t] = await execRows<{ kind: string; org_id: string; order_id: string }>(
			sql`select kind::text, org_id, order_id from ledger_transactions
				where idempotency_key = ${tradeKey(`pay:${order.orderId}`)}`
		);
		expect(t).toEqual({
			kind: 'trade_payment',
			org_id: supplier.orgId!,
			order_id: order.orderId
		});
	});

	it('release empties escrow per item: supplier gets net less fee on goods, fee none on freight', async () => {
		const before = await owedTo('platform_revenue', null);
		const r = releaseAll(paidOrder.book);
		await publish(paidOrder, [
			{
				kind: 'trade_release',
				key: `release:${paidOrder.orderId}`,
				at: RELEASED,
				postings: r.postings
			}
		]);
		const held = await escrowByItem(paidOrder.orderId);
		for (const v of held.values()) expect(v).toBe(0);
		expect(held.size).toBe(3);
		const fee =
			Math.floor((1_765_000 * FEE_BP + 5000) / 10000) +
			Math.floor((420_500 * FEE_BP + 5000) / 10000);
		expect(r.feeFen).toBe(fee);
		expect((await owedTo('platform_revenue', null)) - before).toBe(fee);
		// credit given back (−15 000) + everything released less the fee
		expect(await owedTo('supplier_payable', supplier.orgId!)).toBe(
			-15_000 + 1_765_000 + 420_500 + 160_000 - fee
		);
		expect(await unbalancedTransactions()).toBe(0);
		paidOrder.book = r.book;
	});

	it('a repeated key posts nothing', async () => {
		const before = await counts();
		const again = newOrder(
			[{ kind: 'goods', lotId: randomUUID(), amountFen: 999, creditFen: 0 }],
			supplier.orgId!
		);
		// same key as the first payment, other figures: the first posting stands
		await publish(paidOrder, [
			{ kind: 'trade_payment', key: `pay:${paidOrder.orderId}`, at: PAID, postings: again.payment }
		]);
		expect(await counts()).toEqual(before);
	});

	it('refunds return the cash first and escrow nets to zero per item', async () => {
		const { order, payment, credit } = newOrder(
			[
				{ kind: 'goods', lotId: randomUUID(), amountFen: 50_000, creditFen: 10_000 },
				{ kind: 'freight', lotId: null, amountFen: 8_000, creditFen: 0 }
			],
			supplier.orgId!
		);
		refundedOrder = order;
		const part = refundItem(order.book, order.lines[0]!, 45_000);
		const rest = refundAll(part.book);
		const cashBefore = await owedTo('cash', null);
		const supplierBefore = await owedTo('supplier_payable', supplier.orgId!);
		await publish(order, [
			{ kind: 'sample_credit', key: `credit:${order.orderId}`, at: PAID, postings: credit },
			{ kind: 'trade_payment', key: `pay:${order.orderId}`, at: PAID, postings: payment },
			{
				kind: 'trade_refund',
				key: `refund:${order.orderId}:1`,
				at: RELEASED,
				postings: part.postings
			},
			{
				kind: 'trade_refund',
				key: `refund:${order.orderId}:all`,
				at: RELEASED,
				postings: rest.postings
			}
		]);
		for (const v of (await escrowByItem(order.orderId)).values()) expect(v).toBe(0);
		// the buyer got back exactly the cash paid, the supplier its credit
		expect(await owedTo('cash', null)).toBe(cashBefore);
		expect(await owedTo('supplier_payable', supplier.orgId!)).toBe(supplierBefore);
		expect(await unbalancedTransactions()).toBe(0);
	});

	it('a posting to another supplier than the event’s is refused and nothing is written', async () => {
		const before = await counts();
		const { order, payment } = newOrder(
			[{ kind: 'goods', lotId: randomUUID(), amountFen: 10_000, creditFen: 0 }],
			otherSupplier.orgId!
		);
		const r = releaseAll(order.book);
		await expect(
			publish(order, [
				{ kind: 'trade_payment', key: `pay:${order.orderId}`, at: PAID, postings: payment },
				{ kind: 'trade_release', key: `rel:${order.orderId}`, at: PAID, postings: r.postings }
			])
		).rejects.toThrow(/supplier_payable/);
		expect(await counts()).toEqual(before);
	});

	it('an unbalanced set is refused', async () => {
		const before = await counts();
		await expect(
			publish(paidOrder, [
				{
					kind: 'trade_refund',
					key: `bad:${paidOrder.orderId}`,
					at: PAID,
					postings: [{ account: { kind: 'cash', orgId: null }, amountFen: -1 }]
				}
			])
		).rejects.toThrow(/unbalanced/);
		expect(await counts()).toEqual(before);
	});
});

describe('statements and pages', () => {
	it('the supplier statement lists the trade lines with the right balance', async () => {
		const st = await statement(as(supplier), supplier.orgId!, { month: '2026-10' });
		const kinds = new Set(st.lines.map((l) => l.kind));
		expect(kinds).toEqual(new Set(['sample_credit', 'trade_release', 'trade_refund']));
		expect(st.totals.trade_release).toBeGreaterThan(0);
		expect(st.closingFen).toBe(await owedTo('supplier_payable', supplier.orgId!));
		expect(
			st.lines.every((l) => l.orderId === paidOrder.orderId || l.orderId === refundedOrder.orderId)
		).toBe(true);
	});

	it('receivables show the supplier’s trade orders, the operator’s ledger all of them', async () => {
		const r = await supplierReceivables(as(supplier));
		expect(r.trade.orders.map((o) => o.orderId).sort()).toEqual(
			[paidOrder.orderId, refundedOrder.orderId].sort()
		);
		const paid = r.trade.orders.find((o) => o.orderId === paidOrder.orderId)!;
		expect(paid.paidInFen).toBe(1_765_000 + 420_500 + 160_000);
		expect(paid.heldFen).toBe(0);
		expect(paid.releasedFen).toBe(paid.paidInFen);
		expect(paid.supplierFen + paid.feeFen).toBe(paid.releasedFen);
		const refunded = r.trade.orders.find((o) => o.orderId === refundedOrder.orderId)!;
		expect(refunded.refundedFen).toBe(58_000);
		expect(r.trade.heldFen).toBe(0);

		// another supplier's order, still held
		const { order, payment } = newOrder(
			[{ kind: 'goods', lotId: randomUUID(), amountFen: 30_000, creditFen: 0 }],
			otherSupplier.orgId!
		);
		await publish(
			order,
			[{ kind: 'trade_payment', key: `pay:${order.orderId}`, at: PAID, postings: payment }],
			otherSupplier.orgId!
		);
		expect((await supplierReceivables(as(supplier))).trade.orders).toHaveLength(2);
		const rev = await platformRevenue(as(operator));
		expect(rev.trade.orders).toHaveLength(3);
		expect(rev.trade.heldFen).toBe(30_000);
		expect(rev.trade.orders[0]!.orderId).toBe(order.orderId);
		expect(rev.trade.feeFen).toBe(paid.feeFen);
		expect(rev.escrowFen).toBe(30_000);
	});
});
