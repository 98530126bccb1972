// The wholesale trade module's wiring (docs/TRADE.md): its timer job, its realtime pushes and its
// OpenAPI part. Only src/lib/server/trade/ writes the trade_* tables.
import type { Module } from '../module';
import { pushCartChanged, pushOrderChanged } from './publish';
import { runTradeTimers } from './timers';
import { tradeOpenApi } from './openapi';

export const tradeModule: Module = {
	name: 'trade',
	jobs: [{ name: 'trade-timers', everyMs: 5_000, run: () => runTradeTimers() }],
	subscriptions: [
		{ event: 'trade.order.changed', afterCommit: pushOrderChanged },
		{ event: 'trade.cart.changed', afterCommit: pushCartChanged }
	],
	openapi: tradeOpenApi
};
