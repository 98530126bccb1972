import { redirect } from '@sveltejs/kit';
import { pageLoad } from '$lib/server/edge';
import type { LayoutServerLoad } from './$types';

// Pages meant for paper: no app shell. hooks.server.ts guards the area by role as everywhere.
export const load: LayoutServerLoad = pageLoad(({ locals, url }) => {
	if (!locals.user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	return {};
});
