// The loop every trade timer job shares (trade/due-loop.ts): a row whose step throws is logged and
// passed over, a row with nothing due is passed over, the rest are published after their commit,
// and `limit` bounds a run.
import { expect, it } from 'vitest';
import { runDue } from '../../src/lib/server/trade/due-loop';

/** A step over fixed ids: `boom` throws, `idle` has nothing due, the others move. */
function stepOver(ids: string[], done: Set<string>) {
	return async (_tx: unknown, passed: readonly string[], claim: (id: string) => void) => {
		const next = ids.find((i) => !passed.includes(i) && !done.has(i));
		if (!next) return null;
		claim(next);
		if (next === 'boom') throw new Error('injected step failure');
		if (next === 'idle') return false;
		done.add(next);
		return next;
	};
}

it('passes over a failing row and a row with nothing due, publishes the others after commit', async () => {
	const done = new Set<string>();
	const published: string[] = [];
	const r = await runDue('test timer', 100, stepOver(['a', 'boom', 'idle', 'c'], done), (id) =>
		published.push(id)
	);
	expect(r).toEqual({ moved: 2 });
	expect(published).toEqual(['a', 'c']);
});

it('stops at the limit (moved and passed-over rows both count)', async () => {
	const published: string[] = [];
	const r = await runDue('test timer', 2, stepOver(['idle', 'a', 'b'], new Set()), (id) =>
		published.push(id)
	);
	expect(r).toEqual({ moved: 1 });
	expect(published).toEqual(['a']);
});

it('throws a failure that happens before any row is claimed', async () => {
	await expect(
		runDue(
			'test timer',
			10,
			async () => {
				throw new Error('database down');
			},
			() => {}
		)
	).rejects.toThrow('database down');
});
