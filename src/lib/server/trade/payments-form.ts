// The operator's bank-transfer confirmation form (/admin/payments): one form per
// pending transfer, with the bank's serial number as the reference.
import { formAction } from '../edge';
import { confirmBankTransfer } from './payments';

export const confirmTransferAction = formAction(
	undefined,
	async ({ principal, values }) => {
		const order = await confirmBankTransfer(principal(), values.intentId ?? '', {
			reference: values.reference ?? ''
		});
		return {
			action: 'confirm',
			intentId: values.intentId ?? '',
			confirmed: { orderId: order.id, number: order.number, state: order.state }
		};
	},
	{
		action: 'confirm',
		extra: (v: Record<string, string>) => ({ intentId: v.intentId ?? '' })
	}
);
