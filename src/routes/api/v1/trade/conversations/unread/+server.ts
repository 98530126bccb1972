import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { unreadCounts } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The caller's unread messages per conversation (the nav badge). */
export const GET: RequestHandler = api(async ({ locals }) =>
	json(await unreadCounts(requirePrincipal(locals)))
);
