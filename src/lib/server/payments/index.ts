/**
 * The platform's payment rails behind one interface (provider.ts): bank transfer confirmed by an
 * operator, and the test provider. `paymentProvider(name)` picks one; tests reach the test provider through theTestProvider().
 */
import { env } from '../env';
import { bankTransferProvider, DEFAULT_BANK_ACCOUNT } from './bank-transfer';
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
	if (g[key]) return g[key];
	const e = env();
	const account = {
		accountName: e.PLATFORM_BANK_ACCOUNT_NAME ?? DEFAULT_BANK_ACCOUNT.accountName,
		bank: e.PLATFORM_BANK_NAME ?? DEFAULT_BANK_ACCOUNT.bank,
		accountNo: e.PLATFORM_BANK_ACCOUNT_NO ?? DEFAULT_BANK_ACCOUNT.accountNo
	};
	return (g[key] = {
		bank_transfer: bankTransferProvider(account),
		test: e.PAYMENT_TEST_SECRET ? testProvider(e.PAYMENT_TEST_SECRET) : testProvider()
	});
}

/**
 * Whether buyers may use this provider for new payments. Bank transfer always; the test provider
 * (paid at a button press) only where PAYMENT_TEST_PROVIDER allows it: `auto` = with the demo
 * data (SEED_DEMO), so a production deployment does not offer free orders.
 */
export function providerEnabled(name: PaymentProviderName): boolean {
	if (name !== 'test') return true;
	const e = env();
	return e.PAYMENT_TEST_PROVIDER === 'on' || (e.PAYMENT_TEST_PROVIDER === 'auto' && e.SEED_DEMO);
}

/** The providers buyers may choose now, in the order the checkout page offers them. */
export function enabledProviders(): PaymentProviderName[] {
	return (['bank_transfer', 'test'] as const).filter(providerEnabled);
}

/** The provider of that name (one per process). */
export function paymentProvider(name: PaymentProviderName): PaymentProvider {
	return registry()[name];
}

/** The process's test provider (to make it fail, or to sign a webhook in a test). */
export function theTestProvider(): TestProvider {
	return registry().test;
}
