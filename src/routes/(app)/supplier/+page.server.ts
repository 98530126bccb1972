import { supplierOverview } from '$lib/server/overview/service';
import { requireUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	return { overview: user.orgId ? await supplierOverview(user.orgId) : null };
};
