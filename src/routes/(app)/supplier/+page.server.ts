import { catalogActor, getSupplier, searchLots } from '$lib/server/catalog';
import { parseLotFilter } from '$lib/server/catalog/search';
import { searchParamsObject } from '$lib/server/catalog/schemas';
import { AppError } from '$lib/server/errors';
import { requireUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

const STATUSES = ['active', 'draft', 'archived', 'blocked'];

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals);
	const actor = catalogActor(user);
	if (!user.orgId || user.role !== 'supplier_staff')
		return { supplier: null, page: null, status: null, q: '' };
	const { status, ...rest } = searchParamsObject(url.searchParams);
	const statusFilter = typeof status === 'string' && STATUSES.includes(status) ? status : null;
	let filter;
	try {
		filter = parseLotFilter({ sort: 'newest', ...rest });
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		filter = parseLotFilter({ sort: 'newest' });
	}
	const [supplier, page] = await Promise.all([
		getSupplier(user.orgId),
		searchLots(filter, {
			actor,
			scope: {
				kind: 'supplier',
				orgId: user.orgId,
				status: statusFilter ? [statusFilter] : undefined
			}
		})
	]);
	return { supplier, page, status: statusFilter, q: filter.q ?? '' };
};
