// The test payment provider (tests and the demo). It behaves like a card or wallet provider:
// each intent gets a confirmation token (an HMAC of the intent id, so only this provider's
// tokens confirm), confirmation happens when the buyer presses pay, refunds succeed at once,
// and its webhook events are signed with a shared secret (`x-test-signature`, HMAC-SHA256 of the
// raw body), checked over the exact bytes. It can be told to fail the next calls, so a failed
// payment and a failed refund are testable.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
	PaymentConfirmation,
	PaymentProvider,
	RefundResult,
	WebhookEvent,
	WebhookRequest
} from './provider';

export const TEST_SIGNATURE_HEADER = 'x-test-signature';

export class TestProviderError extends Error {
	constructor(readonly code: 'declined' | 'bad_token' | 'bad_signature' | 'bad_event') {
		super(code);
		this.name = 'TestProviderError';
	}
}

export interface TestProvider extends PaymentProvider {
	/** The token that confirms an intent (what the buyer's "pay" sends). */
	tokenFor(intentId: string): string;
	/** The next `n` confirmations (or refunds) fail as a declined payment would. */
	failNext(n?: number, what?: 'confirm' | 'refund'): void;
	/** Signs a webhook body the way the provider does (for tests of the webhook path). */
	sign(rawBody: string): string;
}

export function testProvider(secret = 'lotlive-test-provider'): TestProvider {
	const fail = { confirm: 0, refund: 0 };
	const hmac = (s: string) => createHmac('sha256', secret).update(s).digest('hex');
	const tokenFor = (intentId: string) => `tok_${hmac(`intent|${intentId}`).slice(0, 32)}`;
	const same = (a: string, b: string) =>
		a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
	return {
		name: 'test',
		tokenFor,
		failNext(n = 1, what = 'confirm') {
			fail[what] += n;
		},
		sign: hmac,
		async createIntent(input) {
			const id = randomUUID();
			return {
				id,
				provider: 'test',
				status: 'created',
				amountFen: input.amountFen,
				providerRef: null,
				instructions: { token: tokenFor(id) },
				expiresAt: input.expiresAt
			};
		},
		async confirm(input): Promise<PaymentConfirmation> {
			if (fail.confirm > 0) {
				fail.confirm--;
				throw new TestProviderError('declined');
			}
			if (!same(input.providerRef, tokenFor(input.intentId)))
				throw new TestProviderError('bad_token');
			return {
				intentId: input.intentId,
				provider: 'test',
				providerRef: input.providerRef,
				amountFen: input.amountFen,
				paidAt: input.at,
				confirmedByUserId: input.operatorUserId
			};
		},
		async cancel() {},
		async refund(input): Promise<RefundResult> {
			if (fail.refund > 0) {
				fail.refund--;
				return { refundId: randomUUID(), status: 'failed', providerRef: null };
			}
			return {
				refundId: randomUUID(),
				status: 'succeeded',
				providerRef: `re_${hmac(`refund|${input.idempotencyKey}`).slice(0, 24)}`
			};
		},
		async parseWebhook(req: WebhookRequest): Promise<WebhookEvent | null> {
			const sig = req.headers[TEST_SIGNATURE_HEADER];
			if (sig === undefined) return null;
			if (!same(sig, hmac(req.rawBody))) throw new TestProviderError('bad_signature');
			let body: unknown;
			try {
				body = JSON.parse(req.rawBody);
			} catch {
				throw new TestProviderError('bad_event');
			}
			const e = body as Partial<{
				type: string;
				intentId: string;
				amountFen: number;
				paidAt: string;
				refundId: string;
				reason: string;
			}>;
			if (e.type === 'payment.confirmed' && e.intentId && Number.isSafeInteger(e.amountFen)) {
				return {
					type: 'payment.confirmed',
					confirmation: {
						intentId: e.intentId,
						provider: 'test',
						providerRef: tokenFor(e.intentId),
						amountFen: e.amountFen!,
						paidAt: new Date(e.paidAt ?? Date.now()),
						confirmedByUserId: null
					}
				};
			}
			if (e.type === 'payment.failed' && e.intentId) {
				return {
					type: 'payment.failed',
					intentId: e.intentId,
					providerRef: tokenFor(e.intentId),
					reason: e.reason ?? 'declined'
				};
			}
			throw new TestProviderError('bad_event');
		}
	};
}
