import type { RequestEvent } from '@sveltejs/kit';
import { env } from '../env';
import { SESSION_COOKIE } from './session';

function secure(event: RequestEvent): boolean {
	const s = env().COOKIE_SECURE;
	return s === 'auto' ? event.url.protocol === 'https:' : s === 'true';
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
