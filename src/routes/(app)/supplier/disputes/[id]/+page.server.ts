import {
	disputeEvidenceAction,
	disputeStepAction,
	loadDisputePage
} from '$lib/server/trade/dispute-page-actions';
import { answerFormToBody } from '$lib/server/trade/dispute-forms';
import type { Actions, PageServerLoad } from './$types';

/** One of the supplier's disputes (operators: any; someone else's: 404 from the service). */
export const load: PageServerLoad = loadDisputePage;

/** The supplier's steps, each its own form; answer is accept / reject / counter (refund in yuan). */
export const actions: Actions = {
	answer: disputeStepAction('answer', 'answer', answerFormToBody),
	escalate: disputeStepAction('escalate', 'escalate'),
	returnReceived: disputeStepAction('returnReceived', 'return-received'),
	evidence: disputeEvidenceAction
};
