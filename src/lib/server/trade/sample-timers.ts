// The sample timers (issue 19): unpaid expiry, the 3-day ship SLA (missed → refund) and the review
// window (lapsed → auto-approved: the reference is sealed and the fee goes to the supplier).
import { runDue } from './due-loop';
import { and, asc, count, eq, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import { sampleDue } from '$lib/domain/trade/samples';
import { tradeSamples, tradeSampleTags } from '../db/schema';
import { currentPolicy } from '../platform/policy';
import { moveSample, publishSample } from './samples';

/**
 * Every sample request whose `due_at` has passed gets its timeout action (domain `sampleDue`).
 * Safe on several nodes: each row is claimed with `FOR UPDATE SKIP LOCKED` in its own
 * transaction and `moveSample` re-checks the state under the lock (a conditional update), so a
 * second runner skips it or finds nothing due. Returns how many requests it moved.
 */
export async function runSampleTimers(
	now: Date = new Date(),
	limit = 200
): Promise<{ moved: number }> {
	const policy = currentPolicy().trade;
	return runDue(
		'sample timer',
		limit,
		async (tx, passed, claim) => {
			const [s] = await tx
				.select()
				.from(tradeSamples)
				.where(
					and(
						isNotNull(tradeSamples.dueAt),
						lte(tradeSamples.dueAt, now),
						passed.length ? notInArray(tradeSamples.id, [...passed]) : sql`true`
					)
				)
				.orderBy(asc(tradeSamples.dueAt))
				.limit(1)
				.for('update', { skipLocked: true });
			if (!s) return null;
			claim(s.id);
			const [{ n } = { n: 0 }] = await tx
				.select({ n: count() })
				.from(tradeSampleTags)
				.where(eq(tradeSampleTags.sampleId, s.id));
			const action = sampleDue({ ...s, tags: Number(n) }, now, policy);
			if (!action) return false;
			return moveSample(tx, { sampleId: s.id, action, actor: 'system', now, policy });
		},
		publishSample
	);
}
