// The buyer's and the supplier's dispute pages (/buyer/disputes/[id], /supplier/disputes/[id])
// load the same view and act through the same steps; each page lists only its side's forms.
import type { RequestEvent, ServerLoadEvent } from '@sveltejs/kit';
import { requirePrincipal } from '../auth/principal';
import { formAction, pageLoad } from '../edge';
import { addEvidenceBody, disputeStep, type DisputeStep } from './dispute-api';
import { evidenceFormToBody, stepFormField } from './dispute-forms';
import { disputePage } from './dispute-view';

type DisputeEvent = RequestEvent<{ id: string }>;

/** The caller's dispute (operators: any; someone else's: 404 from the service). */
export const loadDisputePage = pageLoad(
	async ({ locals, params, depends }: ServerLoadEvent<{ id: string }>) => {
		depends('trade:dispute');
		return { dispute: await disputePage(requirePrincipal(locals), params.id) };
	}
);

/**
 * One step as its own form (`action` names the form, so a failure is shown there); the form's
 * values become the step's body through `toBody` (none: an empty body).
 */
export function disputeStepAction(
	action: string,
	step: DisputeStep,
	toBody: (values: Record<string, string>) => unknown = () => ({})
) {
	return formAction(
		undefined,
		async ({ principal, event, values }) => {
			await disputeStep(principal(), (event as DisputeEvent).params.id, step, toBody(values));
			return { action, done: true };
		},
		{ action, field: stepFormField }
	);
}

/** Adds the files uploaded through the page's picker (`evidence` fields) to the dispute. */
export const disputeEvidenceAction = formAction(
	undefined,
	async ({ principal, event, data }) => {
		await addEvidenceBody(
			principal(),
			(event as DisputeEvent).params.id,
			evidenceFormToBody(data.getAll('evidence').map(String))
		);
		return { action: 'evidence', done: true };
	},
	{ action: 'evidence', field: stepFormField }
);
