// The ledger module's wiring: the money side of order events (./order-events.ts, posted in the
// orders' transactions) and the settlement job.
import { DEFAULT_POLICY } from '$lib/domain/policy';
import { logger } from '../log';
import type { Module } from '../module';
import { orderSubscriptions } from './order-events';
import { settleDue } from './service';

export const ledgerModule: Module = {
	name: 'ledger',
	subscriptions: orderSubscriptions,
	jobs: [
		{
			name: 'ledger-settlement',
			everyMs: DEFAULT_POLICY.money.settleEveryMinutes * 60_000,
			run: async () => {
				const r = await settleDue();
				if (r.settled > 0) logger().info(r, 'ledger: settled sale lines');
				return r;
			}
		}
	]
};
