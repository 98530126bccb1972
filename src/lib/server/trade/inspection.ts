// OWNER: h2. Contract stub — h2 replaces the bodies.
import type { Principal } from '../auth/principal';
import type { InspectionView } from '$lib/trade/types';

/** The buyer starts the sampling inspection (arrived → inspecting); returns the draw. */
export async function startInspection(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<InspectionView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

/** The inspection as recorded so far (buyer, supplier, operator). */
export async function inspectionView(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<InspectionView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

/**
 * Records results: raw `{ items: [{ lineId, piece, result: 'pass'|'minor'|'severe', note?,
 * photos?: string[] (keys from uploadInspectionPhoto) }], videoUploadId?: string }`. Only drawn
 * pieces; only before the window ends.
 */
export async function recordInspection(
	p: Principal,
	orderId: unknown,
	raw: unknown,
	now = new Date()
): Promise<InspectionView> {
	(void p, void orderId, void raw, void now);
	throw new Error('not built yet (h2)');
}

/** Stores one photo of the inspection (JPEG/PNG/WebP, sniffed), returns its storage key. */
export async function uploadInspectionPhoto(
	p: Principal,
	orderId: unknown,
	bytes: Uint8Array
): Promise<{ key: string; url: string }> {
	(void p, void orderId, void bytes);
	throw new Error('not built yet (h2)');
}
