import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import { carrierDelivered } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The carrier's "delivered" push (signed by the carrier; no session or token). */
export const POST: RequestHandler = api(async ({ request }) =>
	json(await carrierDelivered(await readJson(request)))
);
