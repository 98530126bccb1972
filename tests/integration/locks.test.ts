import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db, execRows } from '../../src/lib/server/db';
import { lockEvents, lots, stockLocks, shows } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import {
	acquireLock,
	changeLock,
	expireDueLocks,
	releaseLock
} from '../../src/lib/server/live/locks';
import { setLockStrategy, type LockStrategy } from '../../bench/lib/naive-locks';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';
import { makeUser } from '../helpers/users';
import { sessionPrincipal } from '../../src/lib/server/auth/principal';

let host: Awaited<ReturnType<typeof demoActor>>;
let assistant: Awaited<ReturnType<typeof demoActor>>;
let lotIds: string[];

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	assistant = await demoActor(DEMO_ACCOUNTS.assistant1);
	lotIds = await stockedLots(12, 100);
});
afterEach(() => setLockStrategy(undefined));

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

async function freshShow(lotId: string, onHand = 100) {
	await db().update(lots).set({ onHand, locked: 0, allocated: 0 }).where(eq(lots.id, lotId));
	const { id } = await createShow(host.actor, { title: '测试专场', slots: [{ lotId }] });
	return id;
}

/** lots.locked must equal the sum of active locks, and the invariant must hold. */
async function expectConsistent(lotId: string) {
	const [l] = await db().select().from(lots).where(eq(lots.id, lotId));
	const [row] = await execRows<{ held: number }>(
		sql`select coalesce(sum(quantity), 0)::int as held from stock_locks where lot_id = ${lotId} and status = 'active'`
	);
	expect(l!.locked).toBe(row!.held);
	expect(l!.locked + l!.allocated).toBeLessThanOrEqual(l!.onHand);
	return l!;
}

describe.each<LockStrategy>(['batched', 'naive'])('locks (%s)', (strategy) => {
	it('grants exactly 100 of 200 parallel 1-unit requests on 100 units; the rest get 409 with available 0', async () => {
		setLockStrategy(strategy);
		const lotId = lotIds[strategy === 'batched' ? 0 : 1]!;
		const showId = await freshShow(lotId, 100);
		const results = await Promise.allSettled(
			Array.from({ length: 200 }, (_, i) =>
				acquireLock(i % 2 ? host.actor : assistant.actor, showId, { lotId, quantity: 1 })
			)
		);
		const ok = results.filter((r) => r.status === 'fulfilled');
		const refused = results
			.filter((r) => r.status === 'rejected')
			.map((r) => (r as PromiseRejectedResult).reason);
		expect(ok).toHaveLength(100);
		expect(refused).toHaveLength(100);
		for (const e of refused) {
			expect(e).toBeInstanceOf(AppError);
			expect(e.status).toBe(409);
			expect(e.toJSON().error).toMatchObject({
				code: 'insufficient_stock',
				available: 0,
				field: 'quantity'
			});
		}
		const l = await expectConsistent(lotId);
		expect(l.locked).toBe(100);
		const events = await db().select().from(lockEvents).where(eq(lockEvents.lotId, lotId));
		expect(events).toHaveLength(100);
		expect(new Set(events.map((e) => e.actorUserId))).toEqual(
			new Set([host.actor.userId!, assistant.actor.userId!])
		);
	});

	it('never lets mixed-size concurrent requests exceed free stock', async () => {
		setLockStrategy(strategy);
		const lotId = lotIds[strategy === 'batched' ? 2 : 3]!;
		const showId = await freshShow(lotId, 97);
		const sizes = Array.from({ length: 60 }, (_, i) => (i % 5) + 1);
		const results = await Promise.allSettled(
			sizes.map((q) => acquireLock(host.actor, showId, { lotId, quantity: q }))
		);
		const grantedUnits = results.reduce(
			(s, r, i) => s + (r.status === 'fulfilled' ? sizes[i]! : 0),
			0
		);
		expect(grantedUnits).toBeLessThanOrEqual(97);
		expect(grantedUnits).toBeGreaterThan(90); // greedy fills nearly everything
		const l = await expectConsistent(lotId);
		expect(l.locked).toBe(grantedUnits);
	});
});

describe('lock lifecycle', () => {
	it('raises, lowers, extends and releases a lock, recording who did what', async () => {
		const lotId = lotIds[4]!;
		const showId = await freshShow(lotId, 50);
		const { lock, counters } = await acquireLock(assistant.actor, showId, { lotId, quantity: 10 });
		expect(counters).toMatchObject({ locked: 10, available: 40 });
		expect((await changeLock(host.actor, lock.id, { quantity: 30 })).counters.available).toBe(20);
		const tooMuch = await caught(changeLock(host.actor, lock.id, { quantity: 51 }));
		expect(tooMuch.status).toBe(409);
		expect(tooMuch.toJSON().error.available).toBe(20);
		expect((await changeLock(host.actor, lock.id, { quantity: 5 })).lock.quantity).toBe(5);
		const ext = await changeLock(host.actor, lock.id, { extendMinutes: 600 });
		expect(new Date(ext.lock.expiresAt).getTime()).toBeGreaterThan(Date.now() + 590 * 60_000);
		const rel = await releaseLock(assistant.actor, lock.id);
		expect(rel.lock.status).toBe('released');
		expect(rel.counters.locked).toBe(0);
		expect((await caught(releaseLock(host.actor, lock.id))).code).toBe('lock_not_active');
		const kinds = (
			await db()
				.select()
				.from(lockEvents)
				.where(eq(lockEvents.lockId, lock.id))
				.orderBy(lockEvents.id)
		).map((e) => [e.kind, e.delta]);
		expect(kinds).toEqual([
			['acquire', 10],
			['raise', 20],
			['lower', -25],
			['extend', 0],
			['release', -5]
		]);
		await expectConsistent(lotId);
	});

	it('releases what is left when the show ends, and refuses new locks after', async () => {
		const lotId = lotIds[5]!;
		const showId = await freshShow(lotId, 40);
		await acquireLock(host.actor, showId, { lotId, quantity: 15 });
		await acquireLock(host.actor, showId, { lotId, quantity: 5 });
		await transitionShow(host.actor, showId, { status: 'live' });
		await transitionShow(host.actor, showId, { status: 'ended' });
		const l = await expectConsistent(lotId);
		expect(l.locked).toBe(0);
		const e = await caught(acquireLock(host.actor, showId, { lotId, quantity: 1 }));
		expect(e.code).toBe('show_closed');
		expect((await caught(transitionShow(host.actor, showId, { status: 'live' }))).status).toBe(422);
	});

	it('expires locks whose time is up through the background sweep', async () => {
		const lotId = lotIds[6]!;
		const showId = await freshShow(lotId, 30);
		const { lock } = await acquireLock(host.actor, showId, { lotId, quantity: 12 });
		await acquireLock(host.actor, showId, { lotId, quantity: 3 });
		await db()
			.update(stockLocks)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(stockLocks.id, lock.id));
		expect(await expireDueLocks()).toBe(1);
		expect(await expireDueLocks()).toBe(0); // running twice changes nothing
		const l = await expectConsistent(lotId);
		expect(l.locked).toBe(3);
		const [ev] = await db()
			.select()
			.from(lockEvents)
			.where(and(eq(lockEvents.lockId, lock.id), eq(lockEvents.kind, 'expire')));
		expect(ev).toMatchObject({ delta: -12, system: true });
	});
});

describe('authorisation and validation', () => {
	it('refuses an assistant of another team (403), and an unknown show (404)', async () => {
		const lotId = lotIds[8]!;
		const showId = await freshShow(lotId, 10);
		const other = await makeUser('host');
		const e = await caught(
			acquireLock(sessionPrincipal(other.user), showId, { lotId, quantity: 1 })
		);
		expect(e.status).toBe(403);
		const { lock } = await acquireLock(host.actor, showId, { lotId, quantity: 2 });
		expect((await caught(releaseLock(sessionPrincipal(other.user), lock.id))).status).toBe(403);
		const buyer = await makeUser('buyer');
		expect(
			(await caught(acquireLock(sessionPrincipal(buyer.user), showId, { lotId, quantity: 1 })))
				.status
		).toBe(403);
		expect(
			(
				await caught(
					acquireLock(host.actor, '00000000-0000-4000-8000-000000000000', { lotId, quantity: 1 })
				)
			).status
		).toBe(404);
		await expectConsistent(lotId);
	});

	it('refuses zero, negative, fractional, huge and missing quantities with 400 naming the field, writing nothing', async () => {
		const lotId = lotIds[9]!;
		const showId = await freshShow(lotId, 10);
		const before = await db().select().from(lockEvents);
		for (const quantity of [0, -1, 1.5, 1e12, '3', null, undefined]) {
			const e = await caught(acquireLock(host.actor, showId, { lotId, quantity }));
			expect(e.status, String(quantity)).toBe(400);
			expect(e.field).toBe('quantity');
		}
		const badLot = await caught(acquireLock(host.actor, showId, { lotId: 'x', quantity: 1 }));
		expect([badLot.status, badLot.field]).toEqual([400, 'lotId']);
		const missing = await caught(
			acquireLock(host.actor, showId, {
				lotId: '00000000-0000-4000-8000-000000000000',
				quantity: 1
			})
		);
		expect([missing.status, missing.field]).toEqual([404, 'lotId']);
		const notOnLineup = await caught(
			acquireLock(host.actor, showId, { lotId: lotIds[10], quantity: 1 })
		);
		expect([notOnLineup.status, notOnLineup.code]).toEqual([422, 'lot_not_in_show']);
		expect(await db().select().from(lockEvents)).toHaveLength(before.length);
		const [l] = await db().select().from(lots).where(eq(lots.id, lotId));
		expect(l!.locked).toBe(0);
		const [s] = await db().select().from(shows).where(eq(shows.id, showId));
		expect(s!.status).toBe('scheduled');
	});
});

describe('show schedule', () => {
	it('renames and reschedules until the show ends', async () => {
		const lotId = lotIds[11]!;
		const showId = await freshShow(lotId, 5);
		const { updateShow } = await import('../../src/lib/server/live/shows');
		const at = '2026-12-01T12:00:00.000Z';
		const s = await updateShow(host.actor, showId, { title: '双十二预热', scheduledAt: at });
		expect(s.title).toBe('双十二预热');
		expect(s.scheduledAt?.toISOString()).toBe(at);
		expect((await caught(updateShow(host.actor, showId, {}))).field).toBe('title');
		await transitionShow(host.actor, showId, { status: 'cancelled' });
		expect((await caught(updateShow(host.actor, showId, { title: 'x' }))).code).toBe('show_closed');
	});
});
