import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { addEvidenceBody, disputeStep } from '$lib/server/trade/dispute-api';
import {
	evidenceFormToBody,
	returnShipFormToBody,
	stepFormField
} from '$lib/server/trade/dispute-forms';
import { disputePage } from '$lib/server/trade/dispute-view';
import type { Actions, PageServerLoad } from './$types';

/** One of the buyer org's disputes (someone else's: 404 from the service). */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:dispute');
	return { dispute: await disputePage(requirePrincipal(locals), params.id) };
});

/** Each step is its own form; a failure names it so the page shows it there. */
const step = (action: string) => ({ action, field: stepFormField });

export const actions: Actions = {
	acceptCounter: formAction(
		undefined,
		async ({ principal, event }) => {
			await disputeStep(principal(), event.params.id, 'accept-counter', {});
			return { action: 'acceptCounter', done: true };
		},
		step('acceptCounter')
	),
	escalate: formAction(
		undefined,
		async ({ principal, event }) => {
			await disputeStep(principal(), event.params.id, 'escalate', {});
			return { action: 'escalate', done: true };
		},
		step('escalate')
	),
	withdraw: formAction(
		undefined,
		async ({ principal, event }) => {
			await disputeStep(principal(), event.params.id, 'withdraw', {});
			return { action: 'withdraw', done: true };
		},
		step('withdraw')
	),
	returnShip: formAction(
		undefined,
		async ({ principal, event, values }) => {
			await disputeStep(principal(), event.params.id, 'return-ship', returnShipFormToBody(values));
			return { action: 'returnShip', done: true };
		},
		step('returnShip')
	),
	evidence: formAction(
		undefined,
		async ({ principal, event, data }) => {
			await addEvidenceBody(
				principal(),
				event.params.id,
				evidenceFormToBody(data.getAll('evidence').map(String))
			);
			return { action: 'evidence', done: true };
		},
		step('evidence')
	)
};
