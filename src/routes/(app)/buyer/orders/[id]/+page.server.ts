import { redirect } from '@sveltejs/kit';
import {
	acceptAndRelease,
	cancelUnpaid,
	confirmArrival,
	getOrder,
	payWithTestProvider,
	startInspection
} from '$lib/server/trade';
import { sealedReferenceOf } from '$lib/server/trade/packing';
import { fileDisputeBody } from '$lib/server/trade/dispute-api';
import { disputeIdOfOrder } from '$lib/server/trade/dispute-evidence';
import { fileFormField, fileFormToBody, withFormFields } from '$lib/server/trade/dispute-forms';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

/** One of the buyer org's orders (someone else's: 404 from the service). */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:order');
	const order = await getOrder(requirePrincipal(locals), params.id);
	// The sealed sample the order ships against (issue 19), if any.
	const sealed = await sealedReferenceOf(locals.principal, order.id);
	// The order's dispute, if one was filed (issue 20): linked from the page.
	const disputeId = await disputeIdOfOrder(requirePrincipal(locals), order.id);
	return { order, sealed, disputeId };
});

/** Each button is its own form; a failure names it so the page shows it there. */
const step = (action: string) => ({ action });

export const actions: Actions = {
	pay: formAction(
		undefined,
		async ({ principal, event }) => {
			await payWithTestProvider(principal(), event.params.id);
			return { action: 'pay', done: true };
		},
		step('pay')
	),
	cancel: formAction(
		undefined,
		async ({ principal, event }) => {
			await cancelUnpaid(principal(), event.params.id);
			return { action: 'cancel', done: true };
		},
		step('cancel')
	),
	arrive: formAction(
		undefined,
		async ({ principal, event }) => {
			await confirmArrival(principal(), event.params.id);
			return { action: 'arrive', done: true };
		},
		step('arrive')
	),
	inspect: formAction(
		undefined,
		async ({ principal, event }) => {
			await startInspection(principal(), event.params.id);
			redirect(303, `/buyer/orders/${event.params.id}/inspection`);
		},
		step('inspect')
	),
	accept: formAction(
		undefined,
		async ({ principal, event }) => {
			await acceptAndRelease(principal(), event.params.id);
			return { action: 'accept', done: true };
		},
		step('accept')
	),
	/** 发起纠纷 (issue 20): the filing form; on success the dispute's page. */
	dispute: formAction(
		undefined,
		async ({ principal, event, values, data }) => {
			const { body, rows } = fileFormToBody(
				event.params.id,
				values,
				data.getAll('evidence').map(String)
			);
			let filed;
			try {
				filed = await fileDisputeBody(principal(), body);
			} catch (e) {
				throw withFormFields(e, (f) => fileFormField(f, rows));
			}
			redirect(303, `/buyer/disputes/${filed.id}`);
		},
		step('dispute')
	)
};
