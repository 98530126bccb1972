import { redirect } from '@sveltejs/kit';
import { pageLoad } from '$lib/server/edge';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts guards every area by role (pages, actions and endpoints alike);
// this only narrows the type for the pages below.
export const load: LayoutServerLoad = pageLoad(({ locals, url }) => {
	if (!locals.user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	return {};
});
