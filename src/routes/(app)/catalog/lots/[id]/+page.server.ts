import { blockLot, getLot, unblockLot } from '$lib/server/catalog';
import { redirect } from '@sveltejs/kit';
import { lotSampleOffer, requestSample, setCartLine } from '$lib/server/trade';
import { lotOffer } from '$lib/server/trade/offer';
import { cartLineFromForm, checkoutFromForm, wholeNumber } from '$lib/trade/forms';
import { isOperator, requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const principal = requirePrincipal(locals);
	const lot = await getLot(principal, params.id);
	const operator = isOperator(principal);
	return {
		lot,
		// buyers get the wholesale offer and "add to cart"
		offer: principal.role === 'buyer' ? await lotOffer(lot) : null,
		// buyers may request samples when the lot offers them (issue 19)
		samples: principal.role === 'buyer' ? await lotSampleOffer(lot.id) : null,
		isOperator: operator,
		canEdit: operator || (principal.role === 'supplier_staff' && principal.orgId === lot.supplierId)
	};
});

export const actions: Actions = {
	block: formAction(
		undefined,
		async ({ event, principal, values }) => {
			await blockLot(principal(), event.params.id, values);
			return { action: 'block', done: true };
		},
		{ action: 'block' }
	),
	unblock: formAction(
		undefined,
		async ({ event, principal }) => {
			await unblockLot(principal(), event.params.id);
			return { action: 'unblock', done: true };
		},
		{ action: 'unblock' }
	),
	addToCart: formAction(
		undefined,
		async ({ event, principal, data }) => {
			await setCartLine(principal(), { ...cartLineFromForm(data), lotId: event.params.id });
			return { action: 'cart', added: true };
		},
		{ action: 'cart' }
	),
	requestSample: formAction(
		undefined,
		async ({ event, principal, data, values }) => {
			const sample = await requestSample(principal(), {
				lotId: event.params.id,
				pieces: wholeNumber(values.pieces ?? ''),
				shipTo: checkoutFromForm(data).shipTo
			});
			redirect(303, `/buyer/samples/${sample.id}`);
		},
		{ action: 'samples' }
	)
};
