import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { acceptOrder } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier accepts a paid order (before the accept SLA runs out). */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await acceptOrder(requirePrincipal(locals), params.id) })
);
