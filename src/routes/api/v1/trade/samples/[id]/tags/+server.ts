import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { issueTags } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** The supplier has a platform tag issued per piece (idempotent). */
export const POST: RequestHandler = api(async ({ locals, params }) =>
	json({
		sample: await issueTags(requirePrincipal(locals), params.id)
	})
);
