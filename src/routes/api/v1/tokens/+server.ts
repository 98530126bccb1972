import { json } from '@sveltejs/kit';
import { createApiToken, listApiTokens } from '$lib/server/auth/service';
import { clientAddress } from '$lib/server/auth/actions';
import { api, readJson, requireUserPrincipal } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The signed-in person's organisation's API tokens (prefixes only). Needs a session, not a token. */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ tokens: await listApiTokens(requireUserPrincipal(locals)) })
);

/** {name} → 201 {id, token}: the only time the token is shown. Hosts and suppliers; not assistants. */
export const POST: RequestHandler = api(async (event) =>
	json(
		await createApiToken(requireUserPrincipal(event.locals), await readJson(event.request), {
			ip: clientAddress(event)
		}),
		{ status: 201 }
	)
);
