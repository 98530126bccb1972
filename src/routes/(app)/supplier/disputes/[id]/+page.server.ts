import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { addEvidenceBody, disputeStep } from '$lib/server/trade/dispute-api';
import {
	answerFormToBody,
	evidenceFormToBody,
	stepFormField
} from '$lib/server/trade/dispute-forms';
import { disputePage } from '$lib/server/trade/dispute-view';
import type { Actions, PageServerLoad } from './$types';

/** One of the supplier's disputes (operators: any; someone else's: 404 from the service). */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:dispute');
	return { dispute: await disputePage(requirePrincipal(locals), params.id) };
});

/** Each step is its own form; a failure names it so the page shows it there. */
const step = (action: string) => ({ action, field: stepFormField });

export const actions: Actions = {
	/** accept / reject / counter (with `refund` in yuan). */
	answer: formAction(
		undefined,
		async ({ principal, event, values }) => {
			await disputeStep(principal(), event.params.id, 'answer', answerFormToBody(values));
			return { action: 'answer', done: true };
		},
		step('answer')
	),
	escalate: formAction(
		undefined,
		async ({ principal, event }) => {
			await disputeStep(principal(), event.params.id, 'escalate', {});
			return { action: 'escalate', done: true };
		},
		step('escalate')
	),
	returnReceived: formAction(
		undefined,
		async ({ principal, event }) => {
			await disputeStep(principal(), event.params.id, 'return-received', {});
			return { action: 'returnReceived', done: true };
		},
		step('returnReceived')
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
