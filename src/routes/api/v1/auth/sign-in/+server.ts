import { json } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { signIn } from '$lib/server/auth/service';
import { clientAddress } from '$lib/server/auth/actions';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * 200 and a session cookie; 401 invalid_credentials for a wrong password or unknown email alike;
 * 429 rate_limited (with Retry-After) after too many failures for the account or the address.
 */
export const POST: RequestHandler = api(async (event) => {
	const s = await signIn(await readJson(event.request), undefined, { ip: clientAddress(event) });
	setSessionCookie(event, s.token, s.expiresAt);
	return json({ user: { id: s.userId, role: s.role }, expiresAt: s.expiresAt.toISOString() });
});
