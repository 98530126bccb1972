import { parseYuan } from '$lib/domain/money';
import { formFailure } from '$lib/server/catalog/form-actions';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser } from '$lib/server/http';
import {
	cancelPayout,
	createPayout,
	listPayouts,
	markPayoutPaid,
	platformRevenue
} from '$lib/server/ledger';
import { orPageError } from '$lib/server/ledger/page';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	const [revenue, payouts] = await Promise.all([
		orPageError(platformRevenue(user)),
		orPageError(listPayouts(user, { limit: 100 }))
	]);
	return { revenue, payouts };
};

export const actions: Actions = {
	/** A payout of a party's balance; the amount in yuan, empty for everything available. */
	create: async (event) => {
		const user = requireUser(event.locals);
		const values = formObject(await event.request.formData());
		const key = `create:${values.orgId}`;
		try {
			let amountFen: number | undefined;
			if (values.amount?.trim()) {
				const fen = parseYuan(values.amount);
				if (fen === null)
					throw new AppError('invalid', 'invalid_input', 'ledger.err.amount_yuan', {
						field: 'amount'
					});
				amountFen = fen;
			}
			await createPayout(user, { orgId: values.orgId, amountFen });
		} catch (e) {
			return formFailure(event, e, values, key);
		}
		return { action: key, done: 'ledger.payout_created' as const };
	},
	paid: async (event) => {
		const user = requireUser(event.locals);
		const values = formObject(await event.request.formData());
		const key = `paid:${values.id}`;
		try {
			await markPayoutPaid(user, values.id ?? '', { reference: values.reference ?? '' });
		} catch (e) {
			return formFailure(event, e, values, key);
		}
		return { action: key, done: 'ledger.payout_paid' as const };
	},
	cancel: async (event) => {
		const user = requireUser(event.locals);
		const values = formObject(await event.request.formData());
		const key = `paid:${values.id}`;
		try {
			await cancelPayout(user, values.id ?? '');
		} catch (e) {
			return formFailure(event, e, values, key);
		}
		return { action: key, done: 'ledger.status.cancelled' as const };
	}
};
