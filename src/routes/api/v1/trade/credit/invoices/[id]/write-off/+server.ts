import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { writeOffInvoice } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Operators: write off what is left of an invoice, with a reason. */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		invoice: await writeOffInvoice(requirePrincipal(locals), params.id, await readJson(request))
	})
);
