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
