import type { RequestEvent } from '@sveltejs/kit';
import { env } from '../env';
import { SESSION_COOKIE } from './session';

function secure(event: RequestEvent): boolean {
	return secureFor(event.url.protocol);
}

/** Whether cookies get the Secure flag for a request over `protocol` ('https:' or 'http:'). */
export function secureFor(protocol: string): boolean {
	const s = env().COOKIE_SECURE;
	return s === 'auto' ? protocol === 'https:' : s === 'true';
}

/**
 * The session cookie as a Set-Cookie header value, for responses written outside SvelteKit
 * (the hot API path): the same attributes setSessionCookie gives it.
 */
export function sessionCookieHeader(token: string, expiresAt: Date, secure: boolean): string {
	return [
		`${SESSION_COOKIE}=${encodeURIComponent(token)}`,
		'Path=/',
		`Expires=${expiresAt.toUTCString()}`,
		'HttpOnly',
		'SameSite=Lax',
		...(secure ? ['Secure'] : [])
	].join('; ');
}

/** httpOnly, SameSite=Lax, Secure on https; the expiry slides with the session. */
export function setSessionCookie(event: RequestEvent, token: string, expiresAt: Date): void {
	event.cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		secure: secure(event),
		expires: expiresAt,
		path: '/'
	});
}

export function deleteSessionCookie(event: RequestEvent): void {
	event.cookies.delete(SESSION_COOKIE, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: secure(event)
	});
}
