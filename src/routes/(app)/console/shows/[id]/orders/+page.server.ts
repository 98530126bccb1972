import { currentPolicy } from '$lib/server/platform/policy';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { getShow } from '$lib/server/live/shows';
import { showOrders } from '$lib/server/orders';
import { claimWithPhotos } from '$lib/server/orders/claim-photos';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const actor = requirePrincipal(locals);
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
});

export const actions: Actions = {
	/** A severe-defect claim with photo files (multipart); the JSON API takes stored photo keys. */
	claim: formAction(
		undefined,
		async ({ principal, data, values }) => {
			const fulfilmentId = values.fulfilmentId ?? '';
			const photos = await Promise.all(
				data
					.getAll('photos')
					.filter((f): f is File => f instanceof File && f.size > 0)
					.map(async (f) => new Uint8Array(await f.arrayBuffer()))
			);
			const r = await claimWithPhotos(principal(), fulfilmentId, {
				severePieces: Number(values.severePieces),
				description: values.description ?? '',
				photos
			});
			return {
				action: 'claim',
				fulfilmentId,
				replacementNumber: r.replacement?.number ?? null
			};
		},
		{ action: 'claim', extra: (values) => ({ fulfilmentId: values.fulfilmentId ?? '' }) }
	)
};
