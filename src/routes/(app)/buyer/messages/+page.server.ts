import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { unreadCounts } from '$lib/server/trade';
import type { PageServerLoad } from './$types';

/** The organisation's trade conversations with messages, newest first, and their unread counts. */
export const load: PageServerLoad = pageLoad(async ({ locals }) => ({
	inbox: await unreadCounts(requirePrincipal(locals))
}));
