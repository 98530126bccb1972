import { catalogActor } from '$lib/server/catalog';
import { catalogPageData } from '$lib/server/catalog/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) =>
	catalogPageData(url, catalogActor(locals.user), locals.locale);
