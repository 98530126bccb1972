import { error } from '@sveltejs/kit';
import { currentPolicy, getLot, listBrands, listCategories } from '$lib/server/catalog';
import {
	deleteMediaAction,
	saveLotAction,
	uploadMediaAction
} from '$lib/server/catalog/form-actions';
import { AppError } from '$lib/server/errors';
import { requireUser } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = requireUser(locals);
	let lot;
	try {
		lot = await getLot(user, params.id);
	} catch (e) {
		if (e instanceof AppError && e.status === 404) error(404, 'not_found');
		throw e;
	}
	if (user.role !== 'operator' && lot.supplierId !== user.orgId) error(403, 'forbidden');
	const [categories, brands, policy] = await Promise.all([
		listCategories(),
		listBrands(),
		currentPolicy()
	]);
	return {
		lot,
		categories,
		brands,
		pricing: policy.pricing,
		commission: {
			minBp: policy.money.commissionMinBp,
			maxBp: policy.money.commissionMaxBp,
			defaultBp: policy.money.defaultCommissionBp
		}
	};
};

export const actions: Actions = {
	save: (event) => saveLotAction(event, event.params.id),
	upload: (event) => uploadMediaAction(event, event.params.id),
	deleteMedia: (event) => deleteMediaAction(event, event.params.id)
};
