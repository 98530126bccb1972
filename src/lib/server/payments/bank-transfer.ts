// Bank transfer (对公转账), what Chinese B2B uses most: the buyer transfers to the platform's
// receiving account quoting a memo (the order number); nothing happens until an operator finds
// the transfer on the bank statement and confirms it with the bank's serial number. Refunds are
// paid out by an operator the same way. The provider keeps no state: the trade module records
// intents, confirmations and refunds (trade_payment_intents, trade_refunds) in its transactions.
import { randomUUID } from 'node:crypto';
import type {
	CreateIntentInput,
	PaymentConfirmation,
	PaymentIntent,
	PaymentProvider,
	RefundInput,
	RefundResult
} from './provider';

/** The platform's receiving account, shown to the buyer as is. */
export interface BankAccount {
	accountName: string;
	bank: string;
	accountNo: string;
}

/** The demo platform's account (an operator's settings page would set the real one). */
export const DEFAULT_BANK_ACCOUNT: BankAccount = {
	accountName: '尾货直播供应链（深圳）有限公司',
	bank: '招商银行深圳分行营业部',
	accountNo: '7559 1234 5678 901'
};

/** A bank's transaction serial number: letters, digits and hyphens, 4–64 characters. */
export const BANK_REFERENCE = /^[A-Za-z0-9-]{4,64}$/;

export class BankTransferError extends Error {
	constructor(readonly code: 'operator_required' | 'bad_reference') {
		super(code);
		this.name = 'BankTransferError';
	}
}

export function bankTransferProvider(account: BankAccount = DEFAULT_BANK_ACCOUNT): PaymentProvider {
	return {
		name: 'bank_transfer',
		async createIntent(input: CreateIntentInput): Promise<PaymentIntent> {
			return {
				id: randomUUID(),
				provider: 'bank_transfer',
				// Waiting for the buyer's transfer and the operator's match.
				status: 'pending',
				amountFen: input.amountFen,
				providerRef: null,
				instructions: {
					accountName: account.accountName,
					bank: account.bank,
					accountNo: account.accountNo,
					memo: input.reference,
					amountFen: String(input.amountFen)
				},
				expiresAt: input.expiresAt
			};
		},
		async confirm(input): Promise<PaymentConfirmation> {
			if (!input.operatorUserId) throw new BankTransferError('operator_required');
			if (!BANK_REFERENCE.test(input.providerRef)) throw new BankTransferError('bad_reference');
			return {
				intentId: input.intentId,
				provider: 'bank_transfer',
				providerRef: input.providerRef,
				amountFen: input.amountFen,
				paidAt: input.at,
				confirmedByUserId: input.operatorUserId
			};
		},
		async cancel(): Promise<void> {
			// Nothing to void at the bank: a transfer arriving later is refunded by the operator.
		},
		async refund(input: RefundInput): Promise<RefundResult> {
			void input;
			// The operator pays it out and records the bank's reference when done.
			return { refundId: randomUUID(), status: 'pending', providerRef: null };
		},
		async parseWebhook() {
			return null;
		}
	};
}
