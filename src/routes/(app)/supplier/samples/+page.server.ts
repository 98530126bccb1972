import { isSupplier, requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { issueTags, listSamples, shipSample } from '$lib/server/trade';
import type { Actions, PageServerLoad } from './$types';

/** The supplier's sample queue: requests for its lots, newest first. */
export const load: PageServerLoad = pageLoad(async ({ locals, depends }) => {
	depends('trade:samples');
	const p = requirePrincipal(locals);
	return { samples: await listSamples(p), orgId: isSupplier(p) ? p.orgId : null };
});

export const actions: Actions = {
	tags: formAction(
		undefined,
		async ({ principal, values }) => {
			await issueTags(principal(), values.id);
			return { action: 'tags', id: values.id, done: true };
		},
		{ action: 'tags', extra: (v) => ({ id: v.id }) }
	),
	ship: formAction(
		undefined,
		async ({ principal, values }) => {
			await shipSample(principal(), values.id, {
				carrier: values.carrier ?? '',
				trackingNo: values.trackingNo ?? '',
				photos: (values.photos ?? '')
					.split('\n')
					.map((x) => x.trim())
					.filter((x) => x !== '')
			});
			return { action: 'ship', id: values.id, done: true };
		},
		{ action: 'ship', extra: (v) => ({ id: v.id }) }
	)
};
