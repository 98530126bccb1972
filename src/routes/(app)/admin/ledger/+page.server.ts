import { parseYuan } from '$lib/domain/money';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { AppError } from '$lib/server/errors';
import {
	cancelPayout,
	createPayout,
	listPayouts,
	markPayoutPaid,
	platformRevenue
} from '$lib/server/ledger';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals }) => {
	const principal = requirePrincipal(locals);
	const [revenue, payouts] = await Promise.all([
		platformRevenue(principal),
		listPayouts(principal, { limit: 100 })
	]);
	return { revenue, payouts };
});

export const actions: Actions = {
	/** A payout of a party's balance; the amount in yuan, empty for everything available. */
	create: formAction(
		undefined,
		async ({ principal, values }) => {
			let amountFen: number | undefined;
			if (values.amount?.trim()) {
				const fen = parseYuan(values.amount);
				if (fen === null)
					throw new AppError('invalid', 'invalid_input', 'ledger.err.amount_yuan', {
						field: 'amount'
					});
				amountFen = fen;
			}
			await createPayout(principal(), { orgId: values.orgId, amountFen });
			return { action: `create:${values.orgId}`, done: 'ledger.payout_created' as const };
		},
		{ action: (values) => `create:${values.orgId}` }
	),
	paid: formAction(
		undefined,
		async ({ principal, values }) => {
			await markPayoutPaid(principal(), values.id ?? '', { reference: values.reference ?? '' });
			return { action: `paid:${values.id}`, done: 'ledger.payout_paid' as const };
		},
		{ action: (values) => `paid:${values.id}` }
	),
	cancel: formAction(
		undefined,
		async ({ principal, values }) => {
			await cancelPayout(principal(), values.id ?? '');
			return { action: `paid:${values.id}`, done: 'ledger.status.cancelled' as const };
		},
		{ action: (values) => `paid:${values.id}` }
	)
};
