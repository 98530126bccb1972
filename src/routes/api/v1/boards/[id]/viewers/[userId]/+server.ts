import { requirePrincipal } from '$lib/server/auth/principal';
import { removeViewer } from '$lib/server/boards/service';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = api(async ({ locals, params }) => {
	await removeViewer(requirePrincipal(locals), params.id, params.userId);
	return new Response(null, { status: 204 });
});
