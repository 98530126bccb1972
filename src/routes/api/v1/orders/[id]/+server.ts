import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { getOrder } from '$lib/server/orders';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await getOrder(requirePrincipal(locals), params.id) })
);
