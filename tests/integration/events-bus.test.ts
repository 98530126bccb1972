// The server event bus on a real database: in-transaction subscribers write in the publisher's
// transaction (and roll back with it), after-commit ones run only after COMMIT; and the module
// list's own subscriptions (catalog: org.created, sale.recorded).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../src/lib/server/auth/service';
import { db, type Tx } from '../../src/lib/server/db';
import { lotSales, lots, orgs, suppliers } from '../../src/lib/server/db/schema';
import { createBus, publishInTx, transaction } from '../../src/lib/server/events/bus';
import { seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

/** A bus of its own (the process's has the real modules), on the real database. */
function ownBus() {
	const failures: string[] = [];
	const bus = createBus((err, w) => failures.push(`${w.module}:${(err as Error).message}`));
	const tx = <T>(fn: (tx: Tx) => Promise<T>) =>
		bus.within((track) =>
			db().transaction(async (t) => {
				track(t);
				return fn(t);
			})
		);
	return { bus, tx, failures };
}

const orgNamed = async (name: string) =>
	(await db().select().from(orgs).where(eq(orgs.name, name)))[0];

const refund = (refId: string) => ({
	saleLineId: randomUUID(),
	amountFen: 1,
	reason: 'partial' as const,
	refId,
	at: new Date()
});

describe('in-transaction subscribers', () => {
	it('write in the publisher’s transaction: both commit together', async () => {
		const { bus, tx } = ownBus();
		const name = `sub-${randomUUID()}`;
		bus.subscribe('writer', [
			{
				event: 'line.refunded',
				inTx: async (t, e) => {
					await t.insert(orgs).values({ kind: 'buyer', name: `${name}-${e.refId}` });
				}
			}
		]);
		bus.markInstalled();
		await tx(async (t) => {
			await t.insert(orgs).values({ kind: 'buyer', name });
			await bus.publishInTx(t, 'line.refunded', refund('a'));
		});
		expect(await orgNamed(name)).toBeDefined();
		expect(await orgNamed(`${name}-a`)).toBeDefined();
	});

	it('a failing subscriber rolls the whole transaction back, the publisher’s write included', async () => {
		const { bus, tx } = ownBus();
		const name = `rollback-${randomUUID()}`;
		const after: string[] = [];
		bus.subscribe('writes-then-fails', [
			{
				event: 'line.refunded',
				inTx: async (t) => {
					await t.insert(orgs).values({ kind: 'buyer', name: `${name}-sub` });
					throw new Error('posting refused');
				}
			},
			{ event: 'line.refunded', afterCommit: () => void after.push('delivered') }
		]);
		bus.markInstalled();
		await expect(
			tx(async (t) => {
				await t.insert(orgs).values({ kind: 'buyer', name });
				await bus.publishInTx(t, 'line.refunded', refund('b'));
			})
		).rejects.toThrow('posting refused');
		expect(await orgNamed(name)).toBeUndefined();
		expect(await orgNamed(`${name}-sub`)).toBeUndefined();
		expect(after).toEqual([]);
	});
});

describe('after-commit subscribers', () => {
	it('run after COMMIT (they see the committed row from another connection), never on rollback', async () => {
		const { bus, tx, failures } = ownBus();
		const seen: { name: string; visible: boolean }[] = [];
		let inside = false;
		bus.subscribe('probe', [
			{
				event: 'line.refunded',
				afterCommit: async (e) => {
					expect(inside).toBe(false);
					seen.push({ name: e.refId, visible: !!(await orgNamed(e.refId)) });
				}
			}
		]);
		bus.markInstalled();
		const name = `after-${randomUUID()}`;
		await tx(async (t) => {
			inside = true;
			await t.insert(orgs).values({ kind: 'buyer', name });
			await bus.publishInTx(t, 'line.refunded', refund(name));
			expect(seen).toEqual([]);
			inside = false;
		});
		await expect.poll(() => seen).toEqual([{ name, visible: true }]);

		const gone = `gone-${randomUUID()}`;
		await expect(
			tx(async (t) => {
				await t.insert(orgs).values({ kind: 'buyer', name: gone });
				await bus.publishInTx(t, 'line.refunded', refund(gone));
				throw new Error('abort');
			})
		).rejects.toThrow('abort');
		await new Promise((r) => setTimeout(r, 50));
		expect(seen.map((s) => s.name)).toEqual([name]);
		expect(failures).toEqual([]);
	});

	it('a failing one is logged and leaves the commit alone', async () => {
		const { bus, tx, failures } = ownBus();
		bus.subscribe('flaky', [
			{
				event: 'line.refunded',
				afterCommit: async () => {
					throw new Error('push failed');
				}
			}
		]);
		bus.markInstalled();
		const name = `kept-${randomUUID()}`;
		await tx(async (t) => {
			await t.insert(orgs).values({ kind: 'buyer', name });
			await bus.publishInTx(t, 'line.refunded', refund(name));
		});
		expect(await orgNamed(name)).toBeDefined();
		await expect.poll(() => failures).toEqual(['flaky:push failed']);
	});
});

describe('the process bus with the module list', () => {
	beforeAll(async () => {
		await seedDemoIfEmpty();
	});

	it('refuses a publication on a transaction it did not open', async () => {
		await expect(
			db().transaction((t) => publishInTx(t, 'line.refunded', refund('x')))
		).rejects.toThrow(/not opened by events.transaction/);
	});

	it('org.created: a supplier signing up gets its catalog profile in the same transaction', async () => {
		const r = await signUp({
			email: `s-${randomUUID().slice(0, 8)}@example.com`,
			password: 'a long enough password',
			displayName: '供应商 测试',
			orgName: `厂家 ${randomUUID().slice(0, 6)}`,
			role: 'supplier_staff'
		});
		const [profile] = await db().select().from(suppliers).where(eq(suppliers.orgId, r.orgId));
		expect(profile?.status).toBe('pending');
		const buyer = await signUp({
			email: `b-${randomUUID().slice(0, 8)}@example.com`,
			password: 'a long enough password',
			displayName: '采购 测试',
			orgName: `批发 ${randomUUID().slice(0, 6)}`,
			role: 'buyer'
		});
		expect(await db().select().from(suppliers).where(eq(suppliers.orgId, buyer.orgId))).toEqual([]);
	});

	it('sale.recorded: the catalog counts the sale in the publisher’s transaction, or not at all', async () => {
		const [lot] = await db().select({ id: lots.id }).from(lots).limit(1);
		const sale = (orderRef: string) => ({
			lotId: lot!.id,
			buyerKey: 'org:test-buyer',
			quantity: 3,
			amountFen: 3000,
			channel: 'wholesale' as const,
			orderRef,
			soldAt: new Date()
		});
		const facts = (orderRef: string) =>
			db()
				.select()
				.from(lotSales)
				.where(and(eq(lotSales.orderRef, orderRef), eq(lotSales.channel, 'wholesale')));
		const kept = `bulk-${randomUUID()}`;
		await transaction((t) => publishInTx(t, 'sale.recorded', sale(kept)));
		expect(await facts(kept)).toHaveLength(1);
		const dropped = `bulk-${randomUUID()}`;
		await expect(
			transaction(async (t) => {
				await publishInTx(t, 'sale.recorded', sale(dropped));
				throw new Error('the trade order failed after all');
			})
		).rejects.toThrow('after all');
		expect(await facts(dropped)).toHaveLength(0);
	});
});
