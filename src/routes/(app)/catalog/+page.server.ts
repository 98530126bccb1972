import { requirePrincipal } from '$lib/server/auth/principal';
import { catalogPageData } from '$lib/server/catalog/page';
import { pageLoad } from '$lib/server/edge';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, url }) =>
	catalogPageData(url, requirePrincipal(locals), locals.locale)
);
