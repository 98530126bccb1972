import { json } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { signIn, signUp } from '$lib/server/auth/service';
import { clientAddress } from '$lib/server/auth/actions';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** 201 {user:{id, orgId}} and a session cookie; 400 naming the field; 409 when the email is taken. */
export const POST: RequestHandler = api(async (event) => {
	const body = await readJson(event.request);
	const created = await signUp(body, { ip: clientAddress(event) });
	const session = await signIn(body);
	setSessionCookie(event, session.token, session.expiresAt);
	return json(
		{ user: { id: created.userId, orgId: created.orgId, role: session.role } },
		{ status: 201 }
	);
});
