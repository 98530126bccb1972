import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce', () => {
	it('folds calls during a run into one more run', async () => {
		let runs = 0;
		let release: () => void = () => {};
		const reload = coalesce(
			() =>
				new Promise<void>((r) => {
					runs++;
					release = r;
				})
		);
		const first = reload();
		void reload();
		void reload();
		void reload();
		expect(runs).toBe(1);
		release();
		await new Promise((r) => setTimeout(r, 0));
		expect(runs).toBe(2);
		release();
		await first;
		expect(runs).toBe(2);
		const third = reload();
		expect(runs).toBe(3);
		release();
		await third;
	});

	it('runs again after a failed run', async () => {
		let n = 0;
		const reload = coalesce(async () => {
			n++;
			if (n === 1) throw new Error('offline');
		});
		await expect(reload()).rejects.toThrow('offline');
		await reload();
		expect(n).toBe(2);
	});
});
