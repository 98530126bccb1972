// Who may attach a large file (resumable upload, src/lib/server/uploads/) to a trade
// order: the uploads module takes this as its authorizer (the route passes it), so it never
// imports trade. recordInspection resolves the finished upload with uploads' completedUpload.
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { AppError } from '../errors';
import type { UploadAuthorizer, UploadPurpose } from '../uploads';
import { canAttachEvidence } from './dispute-evidence';
import { canAttachToConversation } from './messages';
import { orderFor } from './sides';

/** States in which the buyer is inspecting (or about to): the video belongs to that. */
const INSPECTABLE = new Set(['arrived', 'inspecting']);

/**
 * The buyer's own order, arrived or being inspected: the inspection video may be uploaded.
 * Someone else's order (or none) → 404; the order's supplier or an operator → 403
 * `wrong_actor`; another state → 409 `trade_state`.
 */
export async function canAttachInspectionVideo(p: Principal, orderId: string): Promise<void> {
	const { order, side } = await orderFor(p, orderId, db());
	if (side !== 'buyer')
		throw new AppError('forbidden', 'wrong_actor', 'trade.err.wrong_actor', {
			field: 'refId',
			params: { state: order.state, action: 'upload_video' }
		});
	if (!INSPECTABLE.has(order.state))
		throw new AppError('conflict', 'trade_state', 'trade.err.state', {
			params: { state: order.state, action: 'upload_video' }
		});
}

/** The uploads authorizer for trade's purposes. */
export const authorizeTradeUpload: UploadAuthorizer = async (
	p: Principal,
	purpose: UploadPurpose,
	refId: string,
	now: Date,
	size: number
) => {
	switch (purpose) {
		case 'inspection_video':
			return canAttachInspectionVideo(p, refId);
		case 'message_attachment':
			return canAttachToConversation(p, refId);
		case 'dispute_evidence':
			return canAttachEvidence(p, refId, now, size);
	}
};
