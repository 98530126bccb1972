import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import {
	deliverSample,
	getSample,
	paySampleWithTestProvider,
	reviewSample
} from '$lib/server/trade';
import type { Actions, PageServerLoad } from './$types';

/** One of the buyer org's sample requests (someone else's: 404 from the service). */
export const load: PageServerLoad = pageLoad(async ({ locals, params, depends }) => {
	depends('trade:samples');
	return { sample: await getSample(requirePrincipal(locals), params.id) };
});

const lines = (v: string | undefined) =>
	(v ?? '')
		.split('\n')
		.map((x) => x.trim())
		.filter((x) => x !== '');

export const actions: Actions = {
	pay: formAction(
		undefined,
		async ({ principal, event }) => {
			await paySampleWithTestProvider(principal(), event.params.id);
			return { action: 'pay', done: true };
		},
		{ action: 'pay' }
	),
	deliver: formAction(
		undefined,
		async ({ principal, event }) => {
			await deliverSample(principal(), event.params.id);
			return { action: 'deliver', done: true };
		},
		{ action: 'deliver' }
	),
	approve: formAction(
		undefined,
		async ({ principal, event, values }) => {
			await reviewSample(principal(), event.params.id, {
				decision: 'approve',
				photos: lines(values.photos)
			});
			return { action: 'approve', done: true };
		},
		{ action: 'approve' }
	),
	reject: formAction(
		undefined,
		async ({ principal, event, values }) => {
			await reviewSample(principal(), event.params.id, {
				decision: 'reject',
				reason: values.reason ?? '',
				photos: lines(values.photos)
			});
			return { action: 'reject', done: true };
		},
		{ action: 'reject' }
	)
};
