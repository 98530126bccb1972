// What the buyer's and the supplier's dispute pages show (issue 20): the dispute with its
// manifest (lines named as on the order), evidence, deadline, outcome and the steps the caller
// may take now. Reads only; the steps go through disputes.ts.
import { disputeActionsFor } from '$lib/domain/trade/dispute-actions';
import type { DisputePage } from '$lib/trade/disputes';
import type { Principal } from '../auth/principal';
import { disputeView } from './disputes';
import { getOrder } from './queries';

export type { DisputePage };

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** One dispute for its page (the parties and operators; anyone else 404). */
export async function disputePage(
	p: Principal,
	id: unknown,
	now: Date = new Date()
): Promise<DisputePage> {
	const v = await disputeView(p, id);
	const order = await getOrder(p, v.order.id);
	const byLine = new Map(order.lines.map((l) => [l.id, l]));
	const d = v.dispute;
	return {
		id: d.id,
		orderId: d.orderId,
		orderNumber: order.number,
		buyerName: order.buyerName,
		supplierName: order.supplierName,
		side: v.side,
		state: d.state,
		version: d.version,
		remedy: d.remedy,
		frozenFen: d.frozenFen,
		askedRefundFen: d.askedRefundFen,
		counterFen: d.counterFen,
		description: d.description,
		filedAt: d.filedAt.toISOString(),
		dueAt: iso(d.dueAt),
		escalatedBy: d.escalatedBy,
		returnCarrier: d.returnCarrier,
		returnTrackingNo: d.returnTrackingNo,
		returnShippedAt: iso(d.returnShippedAt),
		outcome: d.outcomeKind
			? {
					kind: d.outcomeKind,
					refundFen: d.outcomeRefundFen ?? 0,
					releaseFen: d.outcomeReleaseFen ?? 0,
					by: d.outcomeBy ?? 'default',
					replacementDueAt: iso(d.replacementDueAt)
				}
			: null,
		rulingReason: d.rulingReason,
		closedAt: iso(d.closedAt),
		actions: disputeActionsFor(
			{ state: d.state, dueAt: d.dueAt, returnShippedAt: d.returnShippedAt },
			v.side,
			now
		),
		lines: v.lines.map((l) => {
			const line = byLine.get(l.lineId);
			return {
				lineId: l.lineId,
				lotId: line?.lotId ?? null,
				title: line?.title ?? '',
				ordered: line?.quantity ?? 0,
				quantity: l.quantity,
				problem: l.problem,
				lossBp: l.lossBp,
				frozenFen: l.frozenFen
			};
		}),
		evidence: v.evidence
	};
}
