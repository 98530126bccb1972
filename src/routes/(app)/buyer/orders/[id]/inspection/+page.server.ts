import { sealedReferenceOf } from '$lib/server/trade/packing';
import { redirect } from '@sveltejs/kit';
import {
	acceptAndRelease,
	getOrder,
	inspectionView,
	recordInspection,
	startInspection,
	uploadInspectionPhoto
} from '$lib/server/trade';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { AppError } from '$lib/server/errors';
import { inspectionItemFromForm } from '$lib/trade/forms';
import type { Actions, PageServerLoad } from './$types';

/** Biggest photo taken on a phone that the form accepts (the service sniffs the type). */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The phone checklist of the sampling inspection. Before it starts (arrived) the page offers the
 * start; once started (or over) it shows the drawn pieces and what is recorded.
 */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:order');
	const p = requirePrincipal(locals);
	const order = await getOrder(p, params.id);
	const started = !['pending_payment', 'paid', 'accepted', 'packed', 'shipped', 'arrived'].includes(
		order.state
	);
	const inspection = started ? await inspectionView(p, params.id).catch(noInspection) : null;
	// The sealed sample's photos beside the checklist (issue 19).
	const sealed = await sealedReferenceOf(p, order.id);
	return { order, inspection, sealed };
});

/** An order that went past arrival without an inspection (accepted at once) has none to show. */
function noInspection(e: unknown): null {
	if (e instanceof AppError && e.kind === 'not_found') return null;
	throw e;
}

/** Which piece's form failed: `piece:<lineId>:<n>`. */
const byPiece = {
	action: (v: Record<string, string>) => `piece:${v.lineId ?? ''}:${v.piece ?? ''}`,
	keepValues: false
};

export const actions: Actions = {
	start: formAction(
		undefined,
		async ({ principal, event }) => {
			await startInspection(principal(), event.params.id);
			return { action: 'start', done: true };
		},
		{ action: 'start' }
	),
	/** One drawn piece: its result, a note and (optionally) a new photo taken with the phone. */
	record: formAction(
		undefined,
		async ({ principal, event, data, values }) => {
			const p = principal();
			const file = data.get('photo');
			let key: string | undefined;
			if (file instanceof File && file.size > 0) {
				if (file.size > MAX_PHOTO_BYTES)
					throw new AppError('rule', 'too_large', 'buyer.err.photo_too_large', {
						field: 'photo',
						params: { mb: MAX_PHOTO_BYTES / 1024 / 1024 }
					});
				const photo = await uploadInspectionPhoto(
					p,
					event.params.id,
					new Uint8Array(await file.arrayBuffer())
				);
				key = photo.key;
			}
			await recordInspection(p, event.params.id, { items: [inspectionItemFromForm(data, key)] });
			return { action: `piece:${values.lineId ?? ''}:${values.piece ?? ''}`, saved: true };
		},
		byPiece
	),
	/** The inspection video, uploaded in resumable chunks by the browser; this links it. */
	video: formAction(
		undefined,
		async ({ principal, event, values }) => {
			// The service takes the caller's finished upload for this order (404 someone else's,
			// 422 an incomplete one) and links its file.
			await recordInspection(principal(), event.params.id, {
				items: [],
				videoUploadId: values.uploadId ?? ''
			});
			return { action: 'video', done: true };
		},
		{ action: 'video' }
	),
	accept: formAction(
		undefined,
		async ({ principal, event }) => {
			await acceptAndRelease(principal(), event.params.id);
			redirect(303, `/buyer/orders/${event.params.id}`);
		},
		{ action: 'accept' }
	)
};
