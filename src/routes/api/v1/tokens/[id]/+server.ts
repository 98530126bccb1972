import { revokeApiToken } from '$lib/server/auth/service';
import { api, requireUserPrincipal } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = api(async ({ locals, params }) => {
	await revokeApiToken(requireUserPrincipal(locals), params.id);
	return new Response(null, { status: 204 });
});
