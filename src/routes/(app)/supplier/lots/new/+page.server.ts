import { currentPolicy, listBrands, listCategories } from '$lib/server/catalog';
import { createLotAction } from '$lib/server/catalog/form-actions';
import { pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async () => {
	const [categories, brands, policy] = await Promise.all([
		listCategories(),
		listBrands(),
		currentPolicy()
	]);
	return {
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

export const actions: Actions = { default: createLotAction };
