import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { db, execRows } from '../../src/lib/server/db';
import { lockIdempotencyKeys, lots, stockLocks } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { acquireLock, deleteExpiredLockKeys } from '../../src/lib/server/live/locks';
import { setLockStrategy, type LockStrategy } from '../../bench/lib/naive-locks';
import { createShow } from '../../src/lib/server/live/shows';
import { attach, shutdown } from '../../src/lib/server/runtime';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor, stockedLots } from '../helpers/demo';

let host: Awaited<ReturnType<typeof demoActor>>;
let assistant: Awaited<ReturnType<typeof demoActor>>;
let lotIds: string[];
let nextLot = 0;

beforeAll(async () => {
	await seedDemoIfEmpty();
	host = await demoActor(DEMO_ACCOUNTS.host);
	assistant = await demoActor(DEMO_ACCOUNTS.assistant1);
	lotIds = await stockedLots(16, 100);
});
afterEach(() => setLockStrategy(undefined));

async function freshShow(onHand = 100, lots_ = 1) {
	const ids = lotIds.slice(nextLot, nextLot + lots_);
	nextLot += lots_;
	for (const id of ids) {
		await db().update(lots).set({ onHand, locked: 0, allocated: 0 }).where(eq(lots.id, id));
	}
	const { id } = await createShow(host.actor, {
		title: '幂等测试',
		slots: ids.map((lotId) => ({ lotId }))
	});
	return { showId: id, lotIds: ids };
}

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

async function locksOf(showId: string) {
	return db().select().from(stockLocks).where(eq(stockLocks.showId, showId));
}

async function lockedOf(lotId: string) {
	const [l] = await db().select().from(lots).where(eq(lots.id, lotId));
	return l!.locked;
}

describe.each<LockStrategy>(['batched', 'naive'])('lock Idempotency-Key (%s)', (strategy) => {
	it('a retry with the same key and body gets the same lock, not a second one', async () => {
		setLockStrategy(strategy);
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow();
		const first = await acquireLock(
			host.actor,
			showId,
			{ lotId, quantity: 7 },
			{ idempotencyKey: 'retry-1' }
		);
		expect(first.replayed).toBe(false);
		// the retry may come from another member of the team
		const again = await acquireLock(
			assistant.actor,
			showId,
			{ lotId, quantity: 7 },
			{ idempotencyKey: 'retry-1' }
		);
		expect(again.replayed).toBe(true);
		expect(again.lock.id).toBe(first.lock.id);
		expect(again.lock.quantity).toBe(7);
		expect(again.counters.locked).toBe(7);
		expect(await locksOf(showId)).toHaveLength(1);
		expect(await lockedOf(lotId!)).toBe(7);
		// another key is another request
		const other = await acquireLock(
			host.actor,
			showId,
			{ lotId, quantity: 7 },
			{ idempotencyKey: 'retry-2' }
		);
		expect(other.lock.id).not.toBe(first.lock.id);
		expect(await lockedOf(lotId!)).toBe(14);
	});

	it('the same key with another lot or quantity is 422 idempotency_mismatch and changes nothing', async () => {
		setLockStrategy(strategy);
		const {
			showId,
			lotIds: [a, b]
		} = await freshShow(100, 2);
		await acquireLock(host.actor, showId, { lotId: a, quantity: 3 }, { idempotencyKey: 'k' });
		for (const body of [
			{ lotId: a, quantity: 4 },
			{ lotId: b, quantity: 3 }
		]) {
			const e = await caught(acquireLock(host.actor, showId, body, { idempotencyKey: 'k' }));
			expect(e.status).toBe(422);
			expect(e.toJSON().error).toMatchObject({
				code: 'idempotency_mismatch',
				field: 'idempotencyKey'
			});
		}
		expect(await locksOf(showId)).toHaveLength(1);
		expect(await lockedOf(a!)).toBe(3);
		expect(await lockedOf(b!)).toBe(0);
	});

	it('30 concurrent requests with one key: one lock, all answered with it', async () => {
		setLockStrategy(strategy);
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow();
		const results = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				acquireLock(
					i % 2 ? host.actor : assistant.actor,
					showId,
					{ lotId, quantity: 2 },
					{ idempotencyKey: 'same-click' }
				)
			)
		);
		const ids = new Set(results.map((r) => r.lock.id));
		expect(ids.size).toBe(1);
		expect(results.filter((r) => !r.replayed)).toHaveLength(1);
		const held = await locksOf(showId);
		expect(held).toHaveLength(1);
		expect(held[0]!.id).toBe([...ids][0]);
		expect(await lockedOf(lotId!)).toBe(2);
		const events = await execRows<{ n: number }>(
			sql`select count(*)::int as n from lock_events where show_id = ${showId} and kind = 'acquire'`
		);
		expect(events[0]!.n).toBe(1);
	});

	it('a refused request stores no key: its retry is decided afresh', async () => {
		setLockStrategy(strategy);
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow(5);
		const e = await caught(
			acquireLock(host.actor, showId, { lotId, quantity: 6 }, { idempotencyKey: 'too-many' })
		);
		expect(e.toJSON().error.code).toBe('insufficient_stock');
		await db().update(lots).set({ onHand: 10 }).where(eq(lots.id, lotId!));
		const r = await acquireLock(
			host.actor,
			showId,
			{ lotId, quantity: 6 },
			{ idempotencyKey: 'too-many' }
		);
		expect(r.replayed).toBe(false);
		expect(await lockedOf(lotId!)).toBe(6);
	});
});

describe('lock Idempotency-Key expiry and validation', () => {
	it('an expired key is forgotten: the job deletes it, and a request with it is new', async () => {
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow();
		const first = await acquireLock(
			host.actor,
			showId,
			{ lotId, quantity: 1 },
			{ idempotencyKey: 'old' }
		);
		const expire = () =>
			db()
				.update(lockIdempotencyKeys)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(and(eq(lockIdempotencyKeys.showId, showId), eq(lockIdempotencyKeys.key, 'old')));
		await expire();
		// not yet swept: the request is still new (the stale key is replaced)
		const second = await acquireLock(
			host.actor,
			showId,
			{ lotId, quantity: 1 },
			{ idempotencyKey: 'old' }
		);
		expect(second.replayed).toBe(false);
		expect(second.lock.id).not.toBe(first.lock.id);
		await expire();
		expect(await deleteExpiredLockKeys()).toBeGreaterThanOrEqual(1);
		const left = await db()
			.select()
			.from(lockIdempotencyKeys)
			.where(eq(lockIdempotencyKeys.showId, showId));
		expect(left).toHaveLength(0);
	});

	it('refuses a malformed key with 400 naming idempotencyKey', async () => {
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow();
		for (const key of ['', 'has space', 'x'.repeat(256), 12, '钥匙']) {
			const e = await caught(
				acquireLock(host.actor, showId, { lotId, quantity: 1 }, { idempotencyKey: key })
			);
			expect(e.status).toBe(400);
			expect(e.field).toBe('idempotencyKey');
		}
		expect(await locksOf(showId)).toHaveLength(0);
	});
});

describe('lock Idempotency-Key over HTTP (the hot path)', () => {
	let server: http.Server;
	let url: string;
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			if (attached.handleRequest(req, res)) return;
			const api = attached.handleApi(req, res);
			if (api === false) return void res.writeHead(599).end();
			void api.then((handled) => !handled && res.writeHead(599).end());
		});
		const attached = attach(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		const closed = new Promise((r) => server.close(r));
		await shutdown();
		server.closeAllConnections();
		await closed;
	});

	const post = async (showId: string, body: unknown, key?: string) => {
		const r = await fetch(`${url}/api/v1/shows/${showId}/locks`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				cookie: `${SESSION_COOKIE}=${host.token}`,
				...(key ? { 'idempotency-key': key } : {})
			},
			body: JSON.stringify(body)
		});
		return { status: r.status, body: await r.json() };
	};

	it('201 first, 200 with the same lock on a retry, 422 with another body', async () => {
		const {
			showId,
			lotIds: [lotId]
		} = await freshShow();
		const a = await post(showId, { lotId, quantity: 4 }, 'http-key-1');
		expect(a.status).toBe(201);
		expect(a.body.replayed).toBe(false);
		const b = await post(showId, { lotId, quantity: 4 }, 'http-key-1');
		expect(b.status).toBe(200);
		expect(b.body.lock.id).toBe(a.body.lock.id);
		expect(b.body.replayed).toBe(true);
		const c = await post(showId, { lotId, quantity: 5 }, 'http-key-1');
		expect(c.status).toBe(422);
		expect(c.body.error).toMatchObject({ code: 'idempotency_mismatch', field: 'idempotencyKey' });
		// without a key, every post is a new lock
		const d = await post(showId, { lotId, quantity: 4 });
		expect(d.status).toBe(201);
		expect(d.body.lock.id).not.toBe(a.body.lock.id);
		expect(await lockedOf(lotId!)).toBe(8);
	});
});

describe('OpenAPI', () => {
	it('documents the lock endpoint with its Idempotency-Key header and the 200/422 answers', async () => {
		const { openApiDocument } = await import('../../src/lib/server/modules');
		const doc = openApiDocument('http://localhost') as {
			paths: Record<
				string,
				{ post?: { parameters?: { name: string }[]; responses: Record<string, unknown> } }
			>;
			components: { schemas: Record<string, { required?: string[] }> };
		};
		const post = doc.paths['/api/v1/shows/{id}/locks']!.post!;
		expect(post.parameters!.map((p) => p.name)).toContain('Idempotency-Key');
		expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '201', '422']));
		expect(doc.components.schemas.LockCreate!.required).toEqual(
			expect.arrayContaining(['lotId', 'quantity'])
		);
	});
});
