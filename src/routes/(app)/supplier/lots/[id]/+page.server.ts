import { currentPolicy, getLot, listBrands, listCategories } from '$lib/server/catalog';
import {
	deleteMediaAction,
	saveLotAction,
	uploadMediaAction
} from '$lib/server/catalog/form-actions';
import { isOperator, requirePrincipal } from '$lib/server/auth/principal';
import { getLotTerms, setLotTerms } from '$lib/server/trade';
import { parseYuan } from '$lib/domain/money';
import { wholeNumber } from '$lib/trade/forms';
import { lotTermsAction } from '$lib/server/trade/terms-form';
import { formAction, pageLoad } from '$lib/server/edge';
import { forbidden } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const principal = requirePrincipal(locals);
	const lot = await getLot(principal, params.id);
	if (!isOperator(principal) && lot.supplierId !== principal.orgId)
		throw forbidden('lot.err.not_your_lot');
	const [categories, brands, policy, terms] = await Promise.all([
		listCategories(),
		listBrands(),
		currentPolicy(),
		getLotTerms(principal, lot.id)
	]);
	return {
		lot,
		terms,
		categories,
		brands,
		pricing: policy.pricing,
		commission: {
			minBp: policy.money.commissionMinBp,
			maxBp: policy.money.commissionMaxBp,
			defaultBp: policy.money.defaultCommissionBp
		}
	};
});

export const actions: Actions = {
	save: (event) => saveLotAction(event, event.params.id),
	upload: (event) => uploadMediaAction(event, event.params.id),
	deleteMedia: (event) => deleteMediaAction(event, event.params.id),
	terms: (event) => lotTermsAction(event, event.params.id),
	// Sample settings (issue 19): on/off, price per piece (yuan), most pieces; the rest of the
	// terms as they are.
	samples: formAction(
		undefined,
		async ({ principal, event, values }) => {
			const p = principal();
			const cur = await getLotTerms(p, event.params.id);
			const price = parseYuan((values.samplePrice ?? '').trim());
			await setLotTerms(p, event.params.id, {
				step: cur.step,
				piecesPerCarton: cur.piecesPerCarton,
				priceBreaks: cur.priceBreaks,
				samples: {
					enabled: values.samplesEnabled === 'on',
					priceFen: price ?? Number.NaN,
					piecesMax: wholeNumber((values.samplePiecesMax ?? '').trim())
				}
			});
			return { action: 'samples', samplesSaved: true };
		},
		{
			action: 'samples',
			field: (f) =>
				f
					?.replace(/^samples\.priceFen$/, 'samplePrice')
					.replace(/^samples\.piecesMax$/, 'samplePiecesMax')
		}
	)
};
