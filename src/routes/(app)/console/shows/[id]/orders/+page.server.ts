import { error, fail } from '@sveltejs/kit';
import { currentPolicy } from '$lib/server/platform/policy';
import { AppError } from '$lib/server/errors';
import { requireActor, translator } from '$lib/server/http';
import { getShow } from '$lib/server/live/shows';
import { showOrders } from '$lib/server/orders';
import { claimWithPhotos } from '$lib/server/orders/claim-photos';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = requireActor(locals);
	try {
		const [view, s, policy] = await Promise.all([
			showOrders(actor, params.id),
			getShow(actor, params.id),
			currentPolicy()
		]);
		return {
			view,
			canWrite: s.canWrite,
			show: {
				id: s.show.id,
				title: s.show.title,
				status: s.show.status,
				packaging: s.show.packaging,
				commissionBp: s.show.commissionBp
			},
			slots: s.slots.map((x) => ({
				id: x.id,
				lotId: x.lotId,
				title: x.title,
				grade: x.grade,
				livePriceFen: x.livePriceFen,
				packaging: x.packaging,
				supplierName: x.supplierName
			})),
			claimMin: policy.orders.severeDefectMinPieces,
			commissionBand: { minBp: policy.money.commissionMinBp, maxBp: policy.money.commissionMaxBp }
		};
	} catch (e) {
		if (e instanceof AppError)
			error(e.status, { message: translator(locals.locale)(e.message, e.params), code: e.code });
		throw e;
	}
};

export const actions: Actions = {
	/** A severe-defect claim with photo files (multipart); the JSON API takes stored photo keys. */
	claim: async ({ locals, request }) => {
		const actor = requireActor(locals);
		const form = await request.formData();
		const fulfilmentId = String(form.get('fulfilmentId') ?? '');
		const photos = await Promise.all(
			form
				.getAll('photos')
				.filter((f): f is File => f instanceof File && f.size > 0)
				.map(async (f) => new Uint8Array(await f.arrayBuffer()))
		);
		try {
			const r = await claimWithPhotos(actor, fulfilmentId, {
				severePieces: Number(form.get('severePieces')),
				description: String(form.get('description') ?? ''),
				photos
			});
			return {
				action: 'claim',
				fulfilmentId,
				replacementNumber: r.replacement?.number ?? null
			};
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			return fail(e.status, {
				action: 'claim',
				fulfilmentId,
				error: e.toJSON(translator(locals.locale)).error
			});
		}
	}
};
