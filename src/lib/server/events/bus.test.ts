// The bus's delivery rules without a database: a transaction is simulated by `within` with a
// stand-in tx object (tests/integration/events-bus.test.ts does the same on a real database).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Tx } from '../db';
import { createBus, type FailureLog } from './bus';
import type { LineRefunded } from './map';

const refund: LineRefunded = {
	saleLineId: '00000000-0000-4000-8000-000000000001',
	amountFen: 100,
	reason: 'partial',
	refId: 'r-1',
	at: new Date(0)
};

/** A fake transaction: `body` runs with a fresh tx object; a throw stands for ROLLBACK. */
function fakeTx<T>(body: (tx: Tx) => Promise<T>) {
	return (track: (tx: Tx) => void) => {
		const tx = {} as Tx;
		track(tx);
		return body(tx);
	};
}

function setup() {
	const failures: { err: unknown; event: string; module: string }[] = [];
	const log: FailureLog = (err, where) => failures.push({ err, ...where });
	const bus = createBus(log);
	return { bus, failures };
}

describe('server event bus', () => {
	it('refuses to publish before the module list is installed', async () => {
		const { bus } = setup();
		await expect(
			bus.within(fakeTx((tx) => bus.publishInTx(tx, 'line.refunded', refund)))
		).rejects.toThrow(/before the module list was installed/);
		expect(() => bus.publishCommitted('stock.changed', { lots: [], showIds: [] })).toThrow(
			/installed/
		);
	});

	it('refuses in-transaction publishing on a transaction it did not open', async () => {
		const { bus } = setup();
		bus.markInstalled();
		await expect(bus.publishInTx({} as Tx, 'line.refunded', refund)).rejects.toThrow(
			/not opened by events.transaction/
		);
		expect(() =>
			bus.statementsInTx({} as Tx, 'order.placed', {
				policy: {} as never,
				showId: 's',
				orders: [],
				lines: []
			})
		).toThrow(/not opened/);
	});

	it('runs in-transaction subscribers in module order, with the transaction', async () => {
		const { bus } = setup();
		const seen: string[] = [];
		bus.subscribe('first', [
			{ event: 'line.refunded', inTx: async (tx, e) => void seen.push(`first:${e.refId}:${!!tx}`) }
		]);
		bus.subscribe('second', [
			{ event: 'line.refunded', inTx: async (_tx, e) => void seen.push(`second:${e.refId}`) },
			{ event: 'supplier.charged', inTx: async () => void seen.push('wrong event') }
		]);
		bus.markInstalled();
		await bus.within(fakeTx((tx) => bus.publishInTx(tx, 'line.refunded', refund)));
		expect(seen).toEqual(['first:r-1:true', 'second:r-1']);
	});

	it('a failing in-transaction subscriber fails the publisher (so the transaction rolls back)', async () => {
		const { bus } = setup();
		const after: string[] = [];
		bus.subscribe('ledger', [
			{
				event: 'line.refunded',
				inTx: async () => {
					throw new Error('posting refused');
				}
			},
			{ event: 'line.refunded', afterCommit: () => void after.push('x') }
		]);
		bus.markInstalled();
		await expect(
			bus.within(fakeTx((tx) => bus.publishInTx(tx, 'line.refunded', refund)))
		).rejects.toThrow('posting refused');
		expect(after).toEqual([]);
	});

	it('delivers after-commit subscribers only once the transaction has committed, never after a rollback', async () => {
		const { bus } = setup();
		const log: string[] = [];
		bus.subscribe('probe', [
			{ event: 'line.refunded', afterCommit: (e) => void log.push(`after:${e.refId}`) }
		]);
		bus.markInstalled();
		await bus.within(
			fakeTx(async (tx) => {
				await bus.publishInTx(tx, 'line.refunded', refund);
				log.push('still in the transaction');
			})
		);
		expect(log).toEqual(['still in the transaction', 'after:r-1']);

		log.length = 0;
		await expect(
			bus.within(
				fakeTx(async (tx) => {
					await bus.publishInTx(tx, 'line.refunded', { ...refund, refId: 'r-2' });
					throw new Error('rolled back');
				})
			)
		).rejects.toThrow('rolled back');
		expect(log).toEqual([]);
	});

	it('starts after-commit subscribers in publish order, then module order', async () => {
		const { bus } = setup();
		const log: string[] = [];
		bus.subscribe('a', [
			{ event: 'line.refunded', afterCommit: (e) => void log.push(`a:${e.refId}`) }
		]);
		bus.subscribe('b', [
			{ event: 'line.refunded', afterCommit: (e) => void log.push(`b:${e.refId}`) }
		]);
		bus.markInstalled();
		await bus.within(
			fakeTx(async (tx) => {
				await bus.publishInTx(tx, 'line.refunded', { ...refund, refId: '1' });
				await bus.publishInTx(tx, 'line.refunded', { ...refund, refId: '2' });
			})
		);
		expect(log).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
	});

	it('logs an after-commit failure (thrown or rejected) with its event and module, and goes on', async () => {
		const { bus, failures } = setup();
		const log: string[] = [];
		bus.subscribe('throws', [
			{
				event: 'stock.changed',
				afterCommit: () => {
					throw new Error('socket gone');
				}
			}
		]);
		bus.subscribe('rejects', [
			{ event: 'stock.changed', afterCommit: async () => Promise.reject(new Error('later')) }
		]);
		bus.subscribe('fine', [{ event: 'stock.changed', afterCommit: () => void log.push('ok') }]);
		bus.markInstalled();
		bus.publishCommitted('stock.changed', { lots: [], showIds: ['s'] });
		await new Promise((r) => setTimeout(r, 0));
		expect(log).toEqual(['ok']);
		expect(failures.map((f) => [f.event, f.module, (f.err as Error).message])).toEqual([
			['stock.changed', 'throws', 'socket gone'],
			['stock.changed', 'rejects', 'later']
		]);
	});

	it('collects a pipelined event’s statements in module order', async () => {
		const { bus } = setup();
		bus.subscribe('one', [{ event: 'order.placed', statements: () => [sql`select 1`] }]);
		bus.subscribe('two', [
			{ event: 'order.placed', statements: (e) => [sql`select ${e.showId}`, sql`select 3`] }
		]);
		bus.markInstalled();
		const got = await bus.within(
			fakeTx(async (tx) =>
				bus.statementsInTx(tx, 'order.placed', {
					policy: {} as never,
					showId: 'show',
					orders: [],
					lines: []
				})
			)
		);
		expect(got).toHaveLength(3);
	});

	it('refuses a subscription of the wrong kind', () => {
		const { bus } = setup();
		expect(() =>
			bus.subscribe('bad', [
				{ event: 'stock.changed', inTx: async () => {} } as unknown as Parameters<
					typeof bus.subscribe
				>[1][number]
			])
		).toThrow(/not published inside a transaction/);
		expect(() =>
			bus.subscribe('bad', [
				{ event: 'line.refunded', statements: () => [] } as unknown as Parameters<
					typeof bus.subscribe
				>[1][number]
			])
		).toThrow(/not a pipelined event/);
	});
});
