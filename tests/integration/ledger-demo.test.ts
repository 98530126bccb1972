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
});
