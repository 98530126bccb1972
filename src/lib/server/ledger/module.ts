// The ledger module's wiring: the money side of order events (./order-events.ts, posted in the
// orders' transactions), of wholesale trade (`trade.money`, ./trade-money.ts, posted in the trade
// module's transactions) and the settlement job.
import { currentPolicy } from '../platform/policy';
import { logger } from '../log';
import type { Module } from '../module';
import { ledgerOpenApi } from './openapi';
import { orderSubscriptions } from './order-events';
import { settleDue } from './service';
import { recordTradeMoney } from './trade-money';

export const ledgerModule: Module = {
	name: 'ledger',
	subscriptions: [
		...orderSubscriptions,
		{
			event: 'trade.money',
			inTx: async (tx, e) => {
				await recordTradeMoney(tx, e);
			}
		}
	],
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
