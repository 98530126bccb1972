import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { hostEarnings } from '$lib/server/ledger';
import type { RequestHandler } from './$types';

/** The caller's host team earnings (an operator names one: ?teamId=). */
export const GET: RequestHandler = api(async ({ locals, url }) =>
	json(
		await hostEarnings(requirePrincipal(locals), {
			teamId: url.searchParams.get('teamId') ?? undefined
		})
	)
);
