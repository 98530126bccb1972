import { describe, expect, it } from 'vitest';
import { bankTransferProvider, BankTransferError } from './bank-transfer';
import { TEST_SIGNATURE_HEADER, testProvider, TestProviderError } from './test-provider';

const input = {
	purpose: { kind: 'order' as const, tradeOrderId: '6f1c1f56-0000-4000-8000-000000000001' },
	buyerOrgId: '6f1c1f56-0000-4000-8000-000000000002',
	amountFen: 384_000,
	reference: 'LT1042',
	expiresAt: new Date('2026-05-01T02:30:00Z'),
	idempotencyKey: 'order:1'
};
const at = new Date('2026-05-01T02:10:00Z');

describe('bank transfer', () => {
	it('tells the buyer where to transfer, quoting the memo', async () => {
		const p = bankTransferProvider({ accountName: '平台', bank: '招商银行', accountNo: '123' });
		const i = await p.createIntent(input);
		expect(i).toMatchObject({ provider: 'bank_transfer', status: 'pending', amountFen: 384_000 });
		expect(i.instructions).toEqual({
			accountName: '平台',
			bank: '招商银行',
			accountNo: '123',
			memo: 'LT1042',
			amountFen: '384000'
		});
		expect(await p.parseWebhook({ headers: {}, rawBody: '{}' })).toBeNull();
	});

	it('is confirmed only by an operator with a bank serial', async () => {
		const p = bankTransferProvider();
		const base = { intentId: 'i1', amountFen: 100, at };
		await expect(
			p.confirm({ ...base, providerRef: 'CMB-1234', operatorUserId: null })
		).rejects.toBeInstanceOf(BankTransferError);
		await expect(
			p.confirm({ ...base, providerRef: '转账 1', operatorUserId: 'op' })
		).rejects.toMatchObject({ code: 'bad_reference' });
		expect(await p.confirm({ ...base, providerRef: 'CMB-1234', operatorUserId: 'op' })).toEqual({
			intentId: 'i1',
			provider: 'bank_transfer',
			providerRef: 'CMB-1234',
			amountFen: 100,
			paidAt: at,
			confirmedByUserId: 'op'
		});
		expect(
			(await p.refund({ intentId: 'i1', amountFen: 100, reason: 'x', idempotencyKey: 'k' })).status
		).toBe('pending');
	});
});

describe('test provider', () => {
	it('confirms with the intent’s own token only, and fails when told to', async () => {
		const p = testProvider('s3cret');
		const i = await p.createIntent(input);
		expect(i.instructions.token).toBe(p.tokenFor(i.id));
		const other = await p.createIntent(input);
		const confirm = (ref: string) =>
			p.confirm({ intentId: i.id, providerRef: ref, amountFen: 1, operatorUserId: null, at });
		await expect(confirm(other.instructions.token!)).rejects.toMatchObject({ code: 'bad_token' });
		await expect(confirm('')).rejects.toBeInstanceOf(TestProviderError);
		p.failNext(1);
		await expect(confirm(i.instructions.token!)).rejects.toMatchObject({ code: 'declined' });
		expect((await confirm(i.instructions.token!)).providerRef).toBe(i.instructions.token);
		// Another secret's tokens do not confirm here.
		expect(testProvider('other').tokenFor(i.id)).not.toBe(p.tokenFor(i.id));
		p.failNext(1, 'refund');
		const refund = { intentId: i.id, amountFen: 1, reason: 'x', idempotencyKey: 'r1' };
		expect((await p.refund(refund)).status).toBe('failed');
		expect(await p.refund(refund)).toMatchObject({ status: 'succeeded' });
	});

	it('verifies its webhooks over the exact bytes', async () => {
		const p = testProvider('s3cret');
		const body = JSON.stringify({ type: 'payment.confirmed', intentId: 'i9', amountFen: 500 });
		const e = await p.parseWebhook({
			headers: { [TEST_SIGNATURE_HEADER]: p.sign(body) },
			rawBody: body
		});
		expect(e).toMatchObject({
			type: 'payment.confirmed',
			confirmation: { intentId: 'i9', amountFen: 500, providerRef: p.tokenFor('i9') }
		});
		await expect(
			p.parseWebhook({ headers: { [TEST_SIGNATURE_HEADER]: p.sign(body) }, rawBody: `${body} ` })
		).rejects.toMatchObject({ code: 'bad_signature' });
		expect(await p.parseWebhook({ headers: {}, rawBody: body })).toBeNull();
		const junk = 'not json';
		await expect(
			p.parseWebhook({ headers: { [TEST_SIGNATURE_HEADER]: p.sign(junk) }, rawBody: junk })
		).rejects.toMatchObject({ code: 'bad_event' });
	});
});
