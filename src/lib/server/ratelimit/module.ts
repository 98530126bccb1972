// The rate limits' wiring: dropping the counters of windows that are over.
import type { Module } from '../module';
import { deleteExpiredCounters } from './index';

export const rateLimitModule: Module = {
	name: 'ratelimit',
	jobs: [{ name: 'rate-limit-cleanup', everyMs: 10 * 60_000, run: deleteExpiredCounters }]
};
