import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { execRows } from '../../src/lib/server/db';
import { hostEarnings, platformRevenue, supplierReceivables } from '../../src/lib/server/ledger';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';
import { expectLedgerInvariants } from '../helpers/ledger';

beforeAll(async () => {
	await seedDemoIfEmpty();
});

describe('demo ledger', () => {
	it('gives the demo host, supplier and operator something to look at, and keeps the invariants', async () => {
		const host = await demoActor(DEMO_ACCOUNTS.host);
		const e = await hostEarnings(host.actor);
		expect(e.settledFen).toBeGreaterThan(0);
		expect(e.pendingFen).toBeGreaterThan(0);
		expect(e.paidOutFen).toBeGreaterThan(0);
		expect(e.chart.filter((p) => p.settledFen !== 0 || p.pendingFen !== 0).length).toBeGreaterThan(
			5
		);
		const ops = await demoActor(DEMO_ACCOUNTS.operator);
		const r = await platformRevenue(ops.actor);
		expect(r.revenueFen).toBeGreaterThan(0);
		const sup = r.parties.find((p) => p.kind === 'supplier_payable')!;
		expect(sup).toBeTruthy();
		// Every demo sale line is checked: the seeded history and the demo show's orders.
		const [{ n }] = (await execRows<{ n: number }>(
			sql`select count(*)::int as n from ledger_sales`
		)) as [{ n: number }];
		expect(n).toBeGreaterThan(40);
		expect(await expectLedgerInvariants()).toBe(n);
		const supplier = await demoActor(DEMO_ACCOUNTS.supplier1);
		await expect(supplierReceivables(supplier.actor)).resolves.toBeTruthy();
	});

	it('shows the demo trade orders’ escrow: held for some, released less the fee for others', async () => {
		const supplier = await demoActor(DEMO_ACCOUNTS.supplier1);
		const { trade } = await supplierReceivables(supplier.actor);
		expect(trade.orders.length).toBeGreaterThan(3);
		expect(trade.heldFen).toBeGreaterThan(0);
		expect(trade.releasedFen).toBeGreaterThan(0);
		expect(trade.feeFen).toBeGreaterThan(0);
		expect(trade.supplierFen + trade.feeFen).toBe(trade.releasedFen);
		for (const o of trade.orders) {
			expect(o.paidInFen, o.orderId).toBe(o.heldFen + o.releasedFen + o.refundedFen);
		}
		const ops = await demoActor(DEMO_ACCOUNTS.operator);
		const r = await platformRevenue(ops.actor);
		expect(r.trade.orders.length).toBeGreaterThan(trade.orders.length);
		// Every trade transaction balances (the database checks it too).
		const [{ n }] = (await execRows<{ n: number }>(
			sql`select count(*)::int as n from (select e.transaction_id from ledger_entries e
				join ledger_transactions t on t.id = e.transaction_id
				where t.kind in ('trade_payment', 'trade_release', 'trade_refund', 'sample_credit')
				group by 1 having sum(e.amount_fen) <> 0) x`
		)) as [{ n: number }];
		expect(n).toBe(0);
	});
});
