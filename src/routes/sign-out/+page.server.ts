import { redirect } from '@sveltejs/kit';
import { signOutAction } from '$lib/server/auth/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = { default: signOutAction };
