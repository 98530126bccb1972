// OWNER: h1. Contract stub — h1 replaces the bodies.
import type { Principal } from '../auth/principal';
import type { TradeOrderView, TradePaymentView } from '$lib/trade/types';

/** The buyer pays an order through the test provider (tests and the demo): order → paid. */
export async function payWithTestProvider(
	p: Principal,
	orderId: string,
	now: Date = new Date()
): Promise<TradeOrderView> {
	void p;
	void orderId;
	void now;
	throw new Error('not built yet (h1)');
}

/** An operator confirms a received bank transfer (raw `{ reference }`, the bank's serial). */
export async function confirmBankTransfer(
	p: Principal,
	intentId: string,
	raw: unknown,
	now: Date = new Date()
): Promise<TradeOrderView> {
	void p;
	void intentId;
	void raw;
	void now;
	throw new Error('not built yet (h1)');
}

export interface PendingTransfer extends TradePaymentView {
	orderId: string;
	orderNumber: number;
	buyerName: string;
	supplierName: string;
	createdAt: string;
}

/** Bank transfers waiting for an operator (operators only). */
export async function pendingBankTransfers(p: Principal): Promise<PendingTransfer[]> {
	void p;
	throw new Error('not built yet (h1)');
}

/** The buyer cancels an unpaid order: stock goes back at once. */
export async function cancelUnpaid(
	p: Principal,
	orderId: string,
	now: Date = new Date()
): Promise<TradeOrderView> {
	void p;
	void orderId;
	void now;
	throw new Error('not built yet (h1)');
}
