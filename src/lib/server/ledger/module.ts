// The ledger module's wiring: the money side of order events (./order-events.ts, posted in the
// orders' transactions) and the settlement job.
import { currentPolicy } from '../platform/policy';
import { logger } from '../log';
import type { Module } from '../module';
import { ledgerOpenApi } from './openapi';
import { orderSubscriptions } from './order-events';
import { settleDue } from './service';

export const ledgerModule: Module = {
	name: 'ledger',
	subscriptions: orderSubscriptions,
	jobs: [
		{
			name: 'ledger-settlement',
			// read when the jobs start (after ready() took in the operator's policy)
			get everyMs() {
				return currentPolicy().money.settleEveryMinutes * 60_000;
			},
			run: async () => {
				const r = await settleDue();
				if (r.settled > 0) logger().info(r, 'ledger: settled sale lines');
				return r;
			}
		}
	],
	openapi: ledgerOpenApi
};
