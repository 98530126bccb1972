// The dispute pages' data (issue 20), shared by the server's view (trade/dispute-view.ts) and the
// browser's components: what a party sees of a dispute.
import type { DisputePageAction } from '$lib/domain/trade/dispute-actions';
import type { DisputeProblem, DisputeState, Outcome, Remedy } from '$lib/domain/trade/dispute';

export type EvidenceKind = 'photo' | 'video' | 'pdf';
export type DisputeParty = 'buyer' | 'supplier' | 'operator' | 'system';

/** One evidence file. */
export interface EvidenceView {
	id: string;
	kind: EvidenceKind;
	name: string;
	url: string;
	bytes: number;
	mime: string;
	party: DisputeParty;
	at: string;
}

export interface DisputeLinePage {
	lineId: string;
	lotId: string | null;
	title: string;
	ordered: number;
	quantity: number;
	problem: DisputeProblem;
	lossBp: number;
	frozenFen: number;
}

export interface DisputePage {
	id: string;
	orderId: string;
	orderNumber: number;
	buyerName: string;
	supplierName: string;
	side: 'buyer' | 'supplier' | 'operator';
	state: DisputeState;
	version: number;
	remedy: Remedy;
	frozenFen: number;
	askedRefundFen: number;
	counterFen: number | null;
	description: string | null;
	filedAt: string;
	dueAt: string | null;
	escalatedBy: DisputeParty | null;
	returnCarrier: string | null;
	returnTrackingNo: string | null;
	returnShippedAt: string | null;
	outcome: {
		kind: Outcome['kind'];
		refundFen: number;
		releaseFen: number;
		by: Outcome['by'];
		replacementDueAt: string | null;
	} | null;
	rulingReason: string | null;
	closedAt: string | null;
	actions: DisputePageAction[];
	lines: DisputeLinePage[];
	evidence: EvidenceView[];
}
