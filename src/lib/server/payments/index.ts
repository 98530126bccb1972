/**
 * The platform's payment rails behind one interface (provider.ts): bank transfer confirmed by an
 * operator, and the test provider. `paymentProvider(name)` picks one; tests may swap one in.
 */
import { bankTransferProvider } from './bank-transfer';
import type { PaymentProvider, PaymentProviderName } from './provider';
import { testProvider, type TestProvider } from './test-provider';

export type * from './provider';
export { BANK_REFERENCE, BankTransferError, DEFAULT_BANK_ACCOUNT } from './bank-transfer';
export { TEST_SIGNATURE_HEADER, TestProviderError, type TestProvider } from './test-provider';

const key = Symbol.for('lotlive.payments.providers');
type Registry = { bank_transfer: PaymentProvider; test: TestProvider };
type G = typeof globalThis & { [key]?: Registry };

function registry(): Registry {
	const g = globalThis as G;
	return (g[key] ??= { bank_transfer: bankTransferProvider(), test: testProvider() });
}

/** The provider of that name (one per process). */
export function paymentProvider(name: PaymentProviderName): PaymentProvider {
	return registry()[name];
}

/** The process's test provider (to make it fail, or to sign a webhook in a test). */
export function theTestProvider(): TestProvider {
	return registry().test;
}

/** Replaces a provider (tests). */
export function setPaymentProvider(name: 'bank_transfer', p: PaymentProvider): void {
	registry()[name] = p;
}
