import type { Policy } from '$lib/domain/policy';
import { currentPolicy } from '../platform/policy';
import { sessionPrincipal, tokenPrincipal, type Principal } from './principal';
import { authenticateApiToken } from './service';
import {
	SESSION_COOKIE,
	validateSessionToken,
	type SessionUser,
	type ValidSession
} from './session';

export function parseCookies(header: string | null | undefined): Map<string, string> {
	const out = new Map<string, string>();
	if (!header) return out;
	for (const part of header.split(';')) {
		const i = part.indexOf('=');
		if (i < 0) continue;
		const k = part.slice(0, i).trim();
		const v = part.slice(i + 1).trim();
		if (!out.has(k)) {
			try {
				out.set(k, decodeURIComponent(v));
			} catch {
				out.set(k, v);
			}
		}
	}
	return out;
}

export function bearerToken(header: string | null | undefined): string | undefined {
	if (!header) return undefined;
	const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return m?.[1];
}

/**
 * Authenticates any request the server sees (page, API, socket.io handshake, websocket upgrade)
 * the same way: a Bearer API token wins, otherwise the session cookie. The principal's locale is
 * the user's own (a token's: English) until the request's is known (hooks.server.ts).
 */
export async function authenticateHeaders(
	headers: { cookie?: string | null; authorization?: string | null },
	policy: Policy = currentPolicy()
): Promise<{ principal: Principal; user?: SessionUser; session?: ValidSession } | null> {
	const bearer = bearerToken(headers.authorization);
	if (bearer) {
		const token = await authenticateApiToken(bearer);
		return token ? { principal: tokenPrincipal(token) } : null;
	}
	const cookie = parseCookies(headers.cookie).get(SESSION_COOKIE);
	if (!cookie) return null;
	const r = await validateSessionToken(cookie, policy);
	return r ? { principal: sessionPrincipal(r.user), user: r.user, session: r.session } : null;
}
