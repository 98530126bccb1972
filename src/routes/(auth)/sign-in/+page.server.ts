import { redirect } from '@sveltejs/kit';
import { homeOf } from '$lib/domain/roles';
import { signInAction } from '$lib/server/auth/actions';
import { pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(({ locals, url }) => {
	if (locals.user) redirect(303, homeOf(locals.user.role));
	return { next: url.searchParams.get('next') ?? '' };
});

export const actions: Actions = { default: signInAction };
