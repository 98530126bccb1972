import { redirect } from '@sveltejs/kit';
import { homeOf } from '$lib/domain/roles';
import { signUpAction } from '$lib/server/auth/actions';
import { passwordMin } from '$lib/server/auth/schemas';
import { pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(({ locals }) => {
	if (locals.user) redirect(303, homeOf(locals.user.role));
	return { passwordMin: passwordMin() };
});

export const actions: Actions = { default: signUpAction };
