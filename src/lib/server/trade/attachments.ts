// OWNER: h5. Who may attach a large file (resumable upload, src/lib/server/uploads/) to a trade
// order: the uploads module takes this as its authorizer (the route passes it), so it never
// imports trade. recordInspection resolves the finished upload with uploads' completedUpload.
import { and, eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { tradeOrders } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { UploadAuthorizer, UploadPurpose } from '../uploads';

/** States in which the buyer is inspecting (or about to): the video belongs to that. */
const INSPECTABLE = new Set(['arrived', 'inspecting']);

/**
 * The buyer's own order, arrived or being inspected: the inspection video may be uploaded.
 * Anyone else's order (or no order) → 404; another state → 409 `trade_state`.
 */
export async function canAttachInspectionVideo(p: Principal, orderId: string): Promise<void> {
	if (p.orgKind !== 'buyer' || !p.orgId) throw notFound('Order', 'refId');
	const [o] = await db()
		.select({ state: tradeOrders.state })
		.from(tradeOrders)
		.where(and(eq(tradeOrders.id, orderId), eq(tradeOrders.buyerOrgId, p.orgId)));
	if (!o) throw notFound('Order', 'refId');
	if (!INSPECTABLE.has(o.state))
		throw new AppError('conflict', 'trade_state', 'trade.err.upload_state', {
			params: { state: o.state, action: 'upload_video' }
		});
}

/** The uploads authorizer for trade's purposes. */
export const authorizeTradeUpload: UploadAuthorizer = async (
	p: Principal,
	purpose: UploadPurpose,
	refId: string
) => {
	switch (purpose) {
		case 'inspection_video':
			return canAttachInspectionVideo(p, refId);
	}
};
