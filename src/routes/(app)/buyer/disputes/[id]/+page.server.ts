import {
	disputeEvidenceAction,
	disputeStepAction,
	loadDisputePage
} from '$lib/server/trade/dispute-page-actions';
import { returnShipFormToBody } from '$lib/server/trade/dispute-forms';
import type { Actions, PageServerLoad } from './$types';

/** One of the buyer org's disputes (someone else's: 404 from the service). */
export const load: PageServerLoad = loadDisputePage;

/** The buyer's steps, each its own form. */
export const actions: Actions = {
	acceptCounter: disputeStepAction('acceptCounter', 'accept-counter'),
	escalate: disputeStepAction('escalate', 'escalate'),
	withdraw: disputeStepAction('withdraw', 'withdraw'),
	returnShip: disputeStepAction('returnShip', 'return-ship', returnShipFormToBody),
	evidence: disputeEvidenceAction
};
