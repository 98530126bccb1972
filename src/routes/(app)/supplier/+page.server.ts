import { redirect } from '@sveltejs/kit';
import {
	addSupplierDocument,
	catalogActor,
	getSupplier,
	listBrands,
	listSupplierDocuments,
	searchLots
} from '$lib/server/catalog';
import { formFailure } from '$lib/server/catalog/form-actions';
import { parseLotFilter } from '$lib/server/catalog/search';
import { searchParamsObject } from '$lib/server/catalog/schemas';
import { AppError } from '$lib/server/errors';
import { requireUser } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

const STATUSES = ['active', 'draft', 'archived', 'blocked'];

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	// Operators have no supplier organisation of their own; they admit and review suppliers in the admin.
	if (user.role === 'operator') redirect(303, '/admin');
	const actor = catalogActor(user);
	if (!user.orgId || user.role !== 'supplier_staff')
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
		getSupplier(user.orgId),
		searchLots(filter, {
			actor,
			scope: {
				kind: 'supplier',
				orgId: user.orgId,
				status: statusFilter ? [statusFilter] : undefined
			}
		}),
		listSupplierDocuments(user, user.orgId),
		listBrands()
	]);
	return { supplier, page, status: statusFilter, q: filter.q ?? '', documents, brands };
};

export const actions: Actions = {
	/** Business licence or brand authorisation (PDF or image) for the operator's review. */
	document: async (event) => {
		const user = requireUser(event.locals);
		const data = await event.request.formData();
		const file = data.get('file');
		const values = {
			kind: String(data.get('kind') ?? ''),
			title: String(data.get('title') ?? ''),
			brandId: String(data.get('brandId') ?? '')
		};
		try {
			await addSupplierDocument(user, {
				kind: values.kind as 'business_license' | 'brand_authorization',
				title: values.title,
				brandId: values.brandId || null,
				bytes:
					file instanceof File && file.size > 0
						? new Uint8Array(await file.arrayBuffer())
						: undefined
			});
		} catch (e) {
			return formFailure(event, e, values, 'document');
		}
		return { action: 'document', added: true };
	}
};
