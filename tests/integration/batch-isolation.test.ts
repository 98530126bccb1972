import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { lots, orders, stockLocks } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { errorPayload } from '../../src/lib/server/http';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { placeOrder } from '../../src/lib/server/orders';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';

// Concurrent orders of a show (and lock requests of a lot) share one transaction. When Postgres
// refuses one member, the others must still succeed: the batch is retried without it.
// To make Postgres refuse exactly one member, this file's (throw-away) database gets test-only
// triggers that raise for a marker: an externalId starting with REFUSE, a lock of 13 units.

let host: Awaited<ReturnType<typeof demoActor>>;
let lotIds: string[];
let next = 0;

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	lotIds = await stockedLots(8, 500);
	await execRows(sql`create function test_refuse_order() returns trigger language plpgsql as $$
		begin
			if new.external_id like 'REFUSE%' then
				raise exception 'test trigger refuses order %', new.external_id;
			end if;
			return new;
		end $$`);
	await execRows(sql`create trigger test_refuse_order before insert on orders
		for each row execute function test_refuse_order()`);
	await execRows(sql`create function test_refuse_lock() returns trigger language plpgsql as $$
		begin
			if new.quantity = 13 then raise exception 'test trigger refuses a lock of 13'; end if;
			return new;
		end $$`);
	await execRows(sql`create trigger test_refuse_lock before insert on stock_locks
		for each row execute function test_refuse_lock()`);
});

async function liveShow(lockEach: number) {
	const lotId = lotIds[next++]!;
	const { id } = await createShow(host.actor, { title: '批次隔离', slots: [{ lotId }] });
	await transitionShow(host.actor, id, { status: 'live' });
	if (lockEach > 0) await acquireLock(host.actor, id, { lotId, quantity: lockEach });
	return { showId: id, lotId };
}

let seq = 0;
function order(showId: string, lotId: string, over: Record<string, unknown> = {}) {
	seq++;
	return {
		externalId: `ISO-${Date.now()}-${seq}`,
		showId,
		lines: [{ lotId, quantity: 1, unitPrice: 3500 }],
		shipTo: {
			name: '王小明',
			phone: '13800138000',
			province: '山东省',
			city: '济南市',
			district: '历下区',
			address: '泉城路 1 号'
		},
		paidAt: new Date().toISOString(),
		...over
	};
}

async function lotRow(id: string) {
	const [l] = await db().select().from(lots).where(eq(lots.id, id));
	return l!;
}

describe('order batch isolation', () => {
	it('one order Postgres refuses among 9 concurrent ones: the other 8 are placed', async () => {
		const { showId, lotId } = await liveShow(50);
		const bodies = Array.from({ length: 9 }, (_, i) =>
			order(showId, lotId, i === 4 ? { externalId: `REFUSE-${Date.now()}` } : {})
		);
		const results = await Promise.allSettled(bodies.map((b) => placeOrder(host.actor, b)));
		const placed = results.filter((r) => r.status === 'fulfilled');
		expect(placed).toHaveLength(8);
		for (const [i, r] of results.entries()) {
			if (i === 4) {
				expect(r.status).toBe('rejected');
				// a server fault (the database refused it), answered 500 to this caller only
				const reason = (r as PromiseRejectedResult).reason;
				expect(reason).not.toBeInstanceOf(AppError);
				expect(errorPayload(reason, 'en').status).toBe(500);
			} else {
				expect(r.status).toBe('fulfilled');
				const v = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof placeOrder>>>).value;
				expect(v.created).toBe(true);
				expect(v.order.externalId).toBe(bodies[i]!.externalId);
			}
		}
		const stored = await db().select().from(orders).where(eq(orders.showId, showId));
		expect(stored).toHaveLength(8);
		expect(stored.some((o) => o.externalId.startsWith('REFUSE'))).toBe(false);
		const l = await lotRow(lotId);
		expect(l.allocated).toBe(8);
		expect(l.locked).toBe(42);
		// the 8 did share transactions: fewer transactions than orders
		expect(new Set(stored.map((o) => String(o.xact))).size).toBeLessThan(8);
	});

	it('input Postgres would refuse is a 400 before any batch: NUL, lone surrogate, total or paidAt out of range', async () => {
		const { showId, lotId } = await liveShow(50);
		const ship = order(showId, lotId).shipTo;
		const bad: [Record<string, unknown>, string][] = [
			[{ externalId: 'DY\u0000123' }, 'externalId'],
			[{ shipTo: { ...ship, name: '王\ud800' } }, 'shipTo.name'],
			[{ shipTo: { ...ship, district: '历下\u0000区' } }, 'shipTo.district'],
			[{ lines: [{ lotId, quantity: 10_000, unitPrice: 100_000_000 }] }, 'lines'],
			[{ paidAt: '-100000-01-01T00:00:00Z' }, 'paidAt'],
			[{ paidAt: '+275000-01-01T00:00:00Z' }, 'paidAt']
		];
		const good = Array.from({ length: 4 }, () => order(showId, lotId));
		const results = await Promise.allSettled([
			...bad.map(([over]) => placeOrder(host.actor, order(showId, lotId, over))),
			...good.map((b) => placeOrder(host.actor, b))
		]);
		bad.forEach(([, field], i) => {
			const r = results[i]!;
			expect(r.status).toBe('rejected');
			const e = (r as PromiseRejectedResult).reason as AppError;
			expect(e).toBeInstanceOf(AppError);
			expect(e.status).toBe(400);
			expect(e.field).toBe(field);
		});
		expect(results.slice(bad.length).every((r) => r.status === 'fulfilled')).toBe(true);
		expect((await lotRow(lotId)).allocated).toBe(4);
	});
});

describe('lock batch isolation', () => {
	it('one lock Postgres refuses among 9 concurrent requests on a lot: the other 8 are granted', async () => {
		const { showId, lotId } = await liveShow(0);
		const sizes = [1, 2, 3, 4, 13, 5, 6, 7, 8];
		const results = await Promise.allSettled(
			sizes.map((quantity) => acquireLock(host.actor, showId, { lotId, quantity }))
		);
		results.forEach((r, i) => {
			if (sizes[i] === 13) {
				expect(r.status).toBe('rejected');
				expect(errorPayload((r as PromiseRejectedResult).reason, 'en').status).toBe(500);
			} else {
				expect(r.status).toBe('fulfilled');
			}
		});
		const held = await db().select().from(stockLocks).where(eq(stockLocks.showId, showId));
		expect(held.map((h) => h.quantity).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect((await lotRow(lotId)).locked).toBe(36);
	});
});
