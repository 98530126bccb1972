import { revokeApiToken } from '$lib/server/auth/service';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = api(async ({ locals, params }) => {
	await revokeApiToken(requireUser(locals), params.id);
	return new Response(null, { status: 204 });
});
