import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { payWithTestProvider } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The buyer pays an unpaid order through its provider (the test provider confirms at once). */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({ order: await payWithTestProvider(requirePrincipal(locals), params.id) })
);
