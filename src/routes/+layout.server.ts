import { pageLoad } from '$lib/server/edge';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = pageLoad(({ locals }) => ({
	locale: locals.locale,
	user: locals.user
		? {
				id: locals.user.id,
				email: locals.user.email,
				displayName: locals.user.displayName,
				role: locals.user.role,
				orgId: locals.user.orgId,
				orgName: locals.user.orgName
			}
		: null
}));
