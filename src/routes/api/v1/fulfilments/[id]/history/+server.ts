import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { fulfilmentHistory } from '$lib/server/orders';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ events: await fulfilmentHistory(requirePrincipal(locals), params.id) })
);
