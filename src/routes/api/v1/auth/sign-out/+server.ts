import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { invalidateSession } from '$lib/server/auth/session';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async (event) => {
	if (event.locals.session) await invalidateSession(event.locals.session.id);
	deleteSessionCookie(event);
	return new Response(null, { status: 204 });
});
