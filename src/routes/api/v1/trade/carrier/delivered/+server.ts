import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { carrierDelivered } from '$lib/server/trade';
import { carrierPushBody } from '$lib/server/trade/api';
import type { RequestHandler } from './$types';

/**
 * The carrier's "delivered" push (快递100 subscription push: `sign` + `param`, as a form or JSON;
 * signed with the subscription salt, no session or token) → 200 with 快递100's acknowledgement.
 */
export const POST: RequestHandler = api(async ({ request }) =>
	json(await carrierDelivered(await carrierPushBody(request)))
);
