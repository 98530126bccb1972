import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { confirmBankTransfer } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** An operator confirms a received bank transfer: {reference} (the bank's serial number). */
export const POST: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		order: await confirmBankTransfer(
			requirePrincipal(locals),
			params.intentId,
			await readJson(request)
		)
	})
);
