/**
 * How the platform takes money in and gives it back: one interface, so the trade module (escrow
 * payments, sample fees, credit-terms repayments) never knows which rail moved the money.
 *
 * Two implementations are to come with the trade services (issue 18):
 * - `bank_transfer` (对公转账, what Chinese B2B uses most): `createIntent` returns the platform's
 *   receiving account and a payment memo (the intent's short reference) for the buyer to quote;
 *   nothing happens until an operator matches the incoming transfer on the bank statement and
 *   confirms it (`confirm` with the operator and the bank's transaction reference). Refunds are
 *   paid out by the operator the same way and confirmed with their reference.
 * - `test`: used by tests and the demo; confirms on request (or immediately, if configured),
 *   signs its webhook events with a shared secret like a real provider would, and can be told to
 *   fail, so the unpaid timeout and refund failures are testable.
 *
 * Money is integer fen. Every call is idempotent on its key: a retry returns the first result.
 * Confirmation is the only fact the trade module acts on (it then posts the escrow payment
 * through the ledger in the same database transaction as the order's move to `paid`); whether it
 * came from an operator or a provider webhook, it has the shape of `PaymentConfirmation`.
 */

export type PaymentProviderName = 'bank_transfer' | 'test';

/** What the money is for. */
export type PaymentPurpose =
	| { kind: 'order'; tradeOrderId: string }
	| { kind: 'sample'; sampleId: string }
	| { kind: 'repayment'; buyerOrgId: string };

export interface CreateIntentInput {
	purpose: PaymentPurpose;
	buyerOrgId: string;
	amountFen: number;
	/** Short reference the buyer sees and quotes (e.g. the order number). */
	reference: string;
	/** Unpaid intents are void after this (the order's unpaid timeout). */
	expiresAt: Date;
	idempotencyKey: string;
}

export type IntentStatus = 'created' | 'pending' | 'confirmed' | 'failed' | 'cancelled';

export interface PaymentIntent {
	/** Our id for the intent (trade_payment_intents.id). */
	id: string;
	provider: PaymentProviderName;
	status: IntentStatus;
	amountFen: number;
	/** The provider's own id once it has one. */
	providerRef: string | null;
	/**
	 * What the buyer needs to pay, shown as is: for a bank transfer the receiving account name,
	 * bank, account number and the memo to quote; for the test provider a confirmation token.
	 */
	instructions: Record<string, string>;
	expiresAt: Date;
}

/** A payment that arrived: from an operator's confirmation or a verified webhook. */
export interface PaymentConfirmation {
	intentId: string;
	provider: PaymentProviderName;
	/** The provider's or the bank's transaction reference; unique per provider (idempotency). */
	providerRef: string;
	/** What actually arrived; a different amount than the intent's is not a confirmation. */
	amountFen: number;
	paidAt: Date;
	/** Who confirmed: the operator for a bank transfer, null for a provider webhook. */
	confirmedByUserId: string | null;
}

export interface RefundInput {
	intentId: string;
	amountFen: number;
	/** Why, as a catalogue key or short code (cancelled_sla, dispute ruling, …). */
	reason: string;
	idempotencyKey: string;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundResult {
	refundId: string;
	status: RefundStatus;
	providerRef: string | null;
}

/**
 * A webhook request as received (raw body, so a signature can be checked over the exact bytes).
 * Providers without webhooks (bank transfer) return null from `parseWebhook`.
 */
export interface WebhookRequest {
	headers: Record<string, string>;
	rawBody: string;
}

export type WebhookEvent =
	| { type: 'payment.confirmed'; confirmation: PaymentConfirmation }
	| { type: 'payment.failed'; intentId: string; providerRef: string; reason: string }
	| { type: 'refund.succeeded'; refundId: string; providerRef: string }
	| { type: 'refund.failed'; refundId: string; reason: string };

export interface PaymentProvider {
	readonly name: PaymentProviderName;
	/** Starts a payment; the buyer follows the returned instructions. */
	createIntent(input: CreateIntentInput): Promise<PaymentIntent>;
	/**
	 * Records that the money arrived. The bank-transfer provider requires `operatorUserId` and
	 * the bank's reference; the test provider accepts its token as the reference.
	 */
	confirm(input: {
		intentId: string;
		providerRef: string;
		amountFen: number;
		operatorUserId: string | null;
		at: Date;
	}): Promise<PaymentConfirmation>;
	/** Voids an unpaid intent (the unpaid timeout); a late payment is then refunded. */
	cancel(intentId: string): Promise<void>;
	/** Gives money back (in full or in part) against a confirmed intent. */
	refund(input: RefundInput): Promise<RefundResult>;
	/** Verifies and parses a webhook; throws on a bad signature; null when not this provider's. */
	parseWebhook(request: WebhookRequest): Promise<WebhookEvent | null>;
}
