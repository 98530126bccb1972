// OWNER: h1. Contract stub — h1 replaces the bodies.
import type { Principal } from '../auth/principal';
import type { TradeOrderView } from '$lib/trade/types';

export interface CheckoutResult {
	checkoutId: string;
	/** True when the Idempotency-Key was seen before: the same orders, nothing new written. */
	replayed: boolean;
	orders: TradeOrderView[];
}

/**
 * Checkout: raw `{ lines?: [{ lotId, quantity, packaging? }], shipTo: TradeShipTo, provider:
 * 'bank_transfer' | 'test' }` (no lines → the cart's lines). Splits per (supplier, warehouse),
 * allocates stock through the stock module, creates the orders (pending_payment) and one payment
 * intent per order, removes bought lines from the cart. Refusals: 422 with `lines.<n>.quantity`
 * and params (moq/step), 409 `insufficient_stock` with `available`, 422 blocked/unadmitted;
 * the same key → the same orders; the same key with another request → 409.
 */
export async function checkout(
	p: Principal,
	raw: unknown,
	idempotencyKey: string,
	now: Date = new Date()
): Promise<CheckoutResult> {
	void p;
	void raw;
	void idempotencyKey;
	void now;
	throw new Error('not built yet (h1)');
}
