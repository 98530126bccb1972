import { redirect } from '@sveltejs/kit';
import {
	addSupplierDocument,
	getSupplier,
	listBrands,
	listSupplierDocuments,
	searchLots
} from '$lib/server/catalog';
import { formField } from '$lib/server/catalog/forms';
import { parseLotFilter } from '$lib/server/catalog/search';
import { searchParamsObject } from '$lib/server/catalog/schemas';
import { AppError } from '$lib/server/errors';
import { isOperator, isSupplier, requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

const STATUSES = ['active', 'draft', 'archived', 'blocked'];

export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const actor = requirePrincipal(locals);
	// Operators have no supplier organisation of their own; they admit and review suppliers in the admin.
	if (isOperator(actor)) redirect(303, '/admin');
	const orgId = actor.orgId;
	if (!isSupplier(actor) || !orgId)
		return { supplier: null, page: null, status: null, q: '', documents: [], brands: [] };
	const { status, ...rest } = searchParamsObject(url.searchParams);
	const statusFilter = typeof status === 'string' && STATUSES.includes(status) ? status : null;
	let filter;
	try {
		filter = parseLotFilter({ sort: 'newest', ...rest });
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		filter = parseLotFilter({ sort: 'newest' });
	}
	const [supplier, page, documents, brands] = await Promise.all([
		getSupplier(orgId),
		searchLots(filter, {
			actor,
			scope: {
				kind: 'supplier',
				orgId,
				status: statusFilter ? [statusFilter] : undefined
			}
		}),
		listSupplierDocuments(actor, orgId),
		listBrands()
	]);
	return { supplier, page, status: statusFilter, q: filter.q ?? '', documents, brands };
});

export const actions: Actions = {
	/** Business licence or brand authorisation (PDF or image) for the operator's review. */
	document: formAction(
		undefined,
		async ({ principal, data, values }) => {
			const file = data.get('file');
			await addSupplierDocument(principal(), {
				kind: values.kind as 'business_license' | 'brand_authorization',
				title: values.title ?? '',
				brandId: values.brandId || null,
				bytes:
					file instanceof File && file.size > 0
						? new Uint8Array(await file.arrayBuffer())
						: undefined
			});
			return { action: 'document', added: true };
		},
		{ action: 'document', field: formField }
	)
};
