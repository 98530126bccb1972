import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { freightQuote } from '$lib/server/orders';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** ?origin=广东&dest=山东&pieces=500 → {quote:{partnerFen, marketFen, savingFen, …} | null}. */
export const GET: RequestHandler = api(async ({ locals, url }) => {
	requirePrincipal(locals);
	return json({ quote: await freightQuote(Object.fromEntries(url.searchParams)) });
});
