// OWNER: h5. Who may attach a large file (resumable upload, src/lib/server/uploads/) to a trade
// order: the uploads module takes this as its authorizer (the route passes it), so it never
// imports trade. recordInspection resolves the finished upload with uploads' completedUpload.
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { AppError, notFound } from '../errors';
import { mediaStorage } from '../platform/storage';
import type { UploadAuthorizer, UploadPurpose } from '../uploads';
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
	refId: string
) => {
	switch (purpose) {
		case 'inspection_video':
			return canAttachInspectionVideo(p, refId);
	}
};

/** `trade/<orderId>/<name>.<ext>`: files attached to a trade order (inspection photos, video). */
const TRADE_KEY = /^trade\/([0-9a-f-]{36})\/[A-Za-z0-9_-]{1,80}\.(jpg|png|webp|mp4|mov|webm)$/;
const MIME_BY_EXT: Record<string, string> = {
	jpg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm'
};

/**
 * A file of a trade order for the /media route: the order's buyer, its supplier and operators see
 * it; anyone else (and any other key shape) gets 404 `Media`, no hint that it exists.
 */
export async function openTradeMedia(
	p: Principal,
	key: string
): Promise<{ body: ReadableStream<Uint8Array>; size: number; mime: string }> {
	const m = TRADE_KEY.exec(key);
	if (!m) throw notFound('Media');
	try {
		await orderFor(p, m[1]!, db());
	} catch {
		throw notFound('Media');
	}
	const file = await mediaStorage().get(key);
	if (!file) throw notFound('Media');
	return { ...file, mime: MIME_BY_EXT[m[2]!]! };
}
