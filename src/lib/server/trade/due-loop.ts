// The loop of every trade timer job (orders, samples, disputes): one due row at a time, each in
// its own transaction, claimed FOR UPDATE SKIP LOCKED by the job's `step` and re-checked under
// that lock, so several nodes running the job move each row once.
import type { Tx } from '../db';
import { transaction } from '../events/bus';
import { logger } from '../log';

/**
 * Runs `step` until nothing is due or `limit` rows were handled. `step(tx, passed, claim)`
 * selects the oldest due row not in `passed` (FOR UPDATE SKIP LOCKED), calls `claim(id)`, then
 * applies its timeout: it returns null when no row is due, false when the claimed row had nothing
 * due after all, else what `after` publishes once committed. A row whose step throws is logged
 * (as `what`) and, like a row with nothing due, passed over for the rest of the run.
 */
export async function runDue<T>(
	what: string,
	limit: number,
	step: (
		tx: Tx,
		passed: readonly string[],
		claim: (id: string) => void
	) => Promise<T | false | null>,
	after: (result: T) => void
): Promise<{ moved: number }> {
	let moved = 0;
	const passed: string[] = [];
	while (moved + passed.length < limit) {
		let claimed: string | null = null;
		try {
			const r = await transaction((tx) => step(tx, passed, (id) => (claimed = id)));
			if (r === null) break;
			if (r === false) {
				passed.push(claimed!);
				continue;
			}
			after(r);
			moved++;
		} catch (err) {
			if (!claimed) throw err;
			logger().error({ err, id: claimed }, `${what} failed`);
			passed.push(claimed);
		}
	}
	return { moved };
}
