// The wholesale trade module's wiring (docs/TRADE.md): its jobs (timers, refunds), its realtime pushes and its
// OpenAPI part. Only src/lib/server/trade/ writes the trade_* tables.
import type { Module } from '../module';
import { pushCartChanged, pushDisputeChanged, pushOrderChanged } from './publish';
import { settleRefunds } from './payments';
import { runTradeTimers } from './timers';
import { runDisputeTimers } from './disputes';
import { tradeOpenApi } from './openapi';

export const tradeModule: Module = {
	name: 'trade',
	jobs: [
		// Unpaid expiry, accept/ship SLAs, the 48 h inspection window and release (one job, SKIP LOCKED).
		{ name: 'trade-timers', everyMs: 5_000, run: () => runTradeTimers() },
		// Pays out refunds the providers can pay themselves (the test provider; bank transfers
		// are paid back by operators, who record them).
		// Dispute clocks: no answer, counter-offer not taken, return not shipped / assumed received.
		{ name: 'trade-dispute-timers', everyMs: 5_000, run: () => runDisputeTimers() },
		{ name: 'trade-refunds', everyMs: 10_000, run: () => settleRefunds() }
	],
	subscriptions: [
		{ event: 'trade.order.changed', afterCommit: pushOrderChanged },
		{ event: 'trade.cart.changed', afterCommit: pushCartChanged },
		{ event: 'trade.dispute.changed', afterCommit: pushDisputeChanged }
	],
	openapi: tradeOpenApi
};
