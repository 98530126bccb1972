// OWNER: h1. Contract stub — h1 replaces the bodies.
import type { Principal } from '../auth/principal';
import type { TradeOrderState, TradeOrderSummary, TradeOrderView } from '$lib/trade/types';

/** One order as its buyer, its supplier or an operator sees it; 404 for anyone else. */
export async function getOrder(p: Principal, orderId: unknown): Promise<TradeOrderView> {
	void p;
	void orderId;
	throw new Error('not built yet (h1)');
}

/** The caller's orders (buyer org's, supplier org's; operators: all), newest first. */
export async function listOrders(
	p: Principal,
	raw: { state?: TradeOrderState | 'open' | 'closed'; before?: string; limit?: number } = {}
): Promise<TradeOrderSummary[]> {
	void p;
	void raw;
	throw new Error('not built yet (h1)');
}
