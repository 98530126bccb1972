import { describe, expect, it } from 'vitest';
import { KeyedBatcher } from './batcher';

describe('KeyedBatcher', () => {
	it('puts concurrent submissions for one key into few batches, in arrival order', async () => {
		const batches: number[][] = [];
		const b = new KeyedBatcher<number, number>(async (_key, items) => {
			batches.push(items);
			await new Promise((r) => setTimeout(r, 5));
			return items.map((x) => x * 2);
		});
		const results = await Promise.all(Array.from({ length: 100 }, (_, i) => b.submit('lot', i)));
		expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
		expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
		expect(batches.length).toBeLessThanOrEqual(2);
		expect(b.busy).toBe(0);
	});

	it('keeps keys independent and rejects every request of a failed batch', async () => {
		const b = new KeyedBatcher<string, string>(async (key, items) => {
			if (key === 'bad') throw new Error('tx failed');
			return items.map((x) => key + x);
		});
		const ok = b.submit('a', '1');
		const bad1 = b.submit('bad', '1');
		const bad2 = b.submit('bad', '2');
		expect(await ok).toBe('a1');
		await expect(bad1).rejects.toThrow('tx failed');
		await expect(bad2).rejects.toThrow('tx failed');
		// the key recovers for later work
		expect(await b.submit('a', '2')).toBe('a2');
	});

	it('caps batch size', async () => {
		const sizes: number[] = [];
		const b = new KeyedBatcher<number, number>(async (_k, items) => {
			sizes.push(items.length);
			return items;
		}, 10);
		await Promise.all(Array.from({ length: 35 }, (_, i) => b.submit('k', i)));
		expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
		expect(sizes.reduce((s, x) => s + x, 0)).toBe(35);
	});
});

describe('KeyedBatcher with two batches in flight', () => {
	it('starts the next batch while one runs, still in arrival order, and never more than two', async () => {
		const batches: number[][] = [];
		let running = 0;
		let most = 0;
		const b = new KeyedBatcher<number, number>(
			async (_key, items) => {
				batches.push(items);
				running++;
				most = Math.max(most, running);
				await new Promise((r) => setTimeout(r, 5));
				running--;
				return items.map((x) => x + 1);
			},
			10,
			2
		);
		const results = await Promise.all(Array.from({ length: 45 }, (_, i) => b.submit('show', i)));
		expect(results).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
		expect(batches.flat()).toEqual(Array.from({ length: 45 }, (_, i) => i));
		expect(most).toBe(2);
		expect(b.busy).toBe(0);
	});
});

describe('KeyedBatcher isolating a failing member', () => {
	class Refused extends Error {}
	const isolate = (e: unknown) => e instanceof Refused;

	it('retries without the request at fault: the other 8 of 9 succeed, in arrival order', async () => {
		const attempts: number[][] = [];
		const committed: number[] = [];
		const b = new KeyedBatcher<number, number>(
			async (_key, items) => {
				attempts.push(items);
				await new Promise((r) => setTimeout(r, 1));
				if (items.includes(4)) throw new Refused('refused');
				committed.push(...items);
				return items.map((x) => x * 10);
			},
			500,
			1,
			isolate
		);
		const results = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => b.submit('s', i)));
		const ok = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
		expect(ok).toEqual([0, 10, 20, 30, null, 50, 60, 70, 80]);
		expect((results[4] as PromiseRejectedResult).reason).toBeInstanceOf(Refused);
		expect(committed).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
		// one batch, then bisection: far fewer attempts than one per request
		expect(attempts[0]).toHaveLength(9);
		expect(attempts.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(9)) + 1);
		await new Promise((r) => setImmediate(r));
		expect(b.busy).toBe(0);
	});

	it('happy path: one attempt per batch, no retries', async () => {
		let calls = 0;
		const b = new KeyedBatcher<number, number>(
			async (_key, items) => {
				calls++;
				return items;
			},
			500,
			1,
			isolate
		);
		await Promise.all(Array.from({ length: 20 }, (_, i) => b.submit('s', i)));
		expect(calls).toBe(1);
	});

	it('does not retry a failure that is nobody’s fault in particular (every member gets it once)', async () => {
		let calls = 0;
		const b = new KeyedBatcher<number, number>(
			async () => {
				calls++;
				throw new Error('connection lost');
			},
			500,
			1,
			isolate
		);
		const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => b.submit('s', i)));
		expect(results.every((r) => r.status === 'rejected')).toBe(true);
		expect(calls).toBe(1);
	});

	it('isolates two bad members in one batch', async () => {
		const b = new KeyedBatcher<number, number>(
			async (_key, items) => {
				if (items.includes(1) || items.includes(6)) throw new Refused('refused');
				return items;
			},
			500,
			1,
			isolate
		);
		const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => b.submit('s', i)));
		expect(results.map((r) => r.status === 'fulfilled')).toEqual([
			true,
			false,
			true,
			true,
			true,
			true,
			false,
			true
		]);
	});
});
