import { ORG_KIND_BY_ROLE, type Role } from '$lib/domain/roles';
import { DEFAULT_LOCALE, isLocale, type Locale } from '$lib/i18n';
import { forbidden, unauthenticated } from '../errors';
import type { SessionUser } from './session';

/** What kind of business an organisation is (orgs.kind). */
export type OrgKind = 'platform' | 'supplier' | 'host_team' | 'buyer';

/**
 * Who is calling, whatever door they came through (page, form, API, socket.io, /collab): resolved
 * once per request in hooks.server.ts (`locals.principal`) and once per socket connection, and the
 * only caller shape a service takes. Services still decide what this caller may do.
 *
 * A signed-in user acts with their own role. An organisation's API token acts for its
 * organisation with the role its kind implies (supplier → supplier_staff, host team → host,
 * buyer → buyer); a platform organisation's token has no role: an operator's powers are
 * personal and never delegated to a token.
 */
export interface Principal {
	readonly source: 'session' | 'token';
	/** The signed-in user; null for a token. */
	readonly userId: string | null;
	/** The API token; null for a session. */
	readonly tokenId: string | null;
	readonly role: Role | null;
	readonly orgId: string | null;
	readonly orgKind: OrgKind | null;
	/** The language messages for this caller are written in. */
	readonly locale: Locale;
}

const TOKEN_ROLE: Record<OrgKind, Role | null> = {
	supplier: 'supplier_staff',
	host_team: 'host',
	buyer: 'buyer',
	platform: null
};

const isOrgKind = (k: string): k is OrgKind => k in TOKEN_ROLE;

/** A signed-in user as a principal. */
export function sessionPrincipal(user: SessionUser, locale?: Locale): Principal {
	return {
		source: 'session',
		userId: user.id,
		tokenId: null,
		role: user.role,
		orgId: user.orgId,
		orgKind: user.orgId ? ORG_KIND_BY_ROLE[user.role] : null,
		locale: locale ?? (isLocale(user.locale) ? user.locale : DEFAULT_LOCALE)
	};
}

/** An organisation's API token as a principal. */
export function tokenPrincipal(
	token: { tokenId: string; orgId: string; orgKind: string },
	locale: Locale = 'en'
): Principal {
	const orgKind = isOrgKind(token.orgKind) ? token.orgKind : null;
	return {
		source: 'token',
		userId: null,
		tokenId: token.tokenId,
		role: orgKind ? TOKEN_ROLE[orgKind] : null,
		orgId: token.orgId,
		orgKind,
		locale
	};
}

/** The same caller, writing in another language (the request's, once it is known). */
export function withLocale(p: Principal, locale: Locale): Principal {
	return p.locale === locale ? p : { ...p, locale };
}

/** The caller of a request; 401 without one. */
export function requirePrincipal(locals: App.Locals): Principal {
	if (!locals.principal) throw unauthenticated();
	return locals.principal;
}

/** The caller a service was given; 401 when there is none. */
export function principalOrThrow(p: Principal | null | undefined): Principal {
	if (!p) throw unauthenticated();
	return p;
}

/** A signed-in user (not a token) with one of `roles`; 401 or 403 otherwise. */
export function requireSession(
	p: Principal | null | undefined,
	roles?: readonly Role[]
): Principal & { userId: string; role: Role } {
	if (!p) throw unauthenticated();
	if (p.source !== 'session' || !p.userId || !p.role) throw forbidden();
	if (roles && !roles.includes(p.role)) throw forbidden();
	return p as Principal & { userId: string; role: Role };
}

/** An operator signed in as themselves. */
export const isOperator = (p: Principal): boolean => p.role === 'operator';

/** A caller who acts for a supplier organisation (its staff or its token). */
export const isSupplier = (p: Principal): boolean => p.orgKind === 'supplier' && !!p.orgId;

/** The supplier organisation the caller acts for, or 403 with `message`. */
export function supplierOrgOf(p: Principal, message = 'lot.err.supplier_only'): string {
	if (!isSupplier(p)) throw forbidden(message);
	return p.orgId!;
}

/**
 * The host team the caller belongs to and whether they may run its shows and boards (host,
 * assistant, the team's token); an operator reads every team's.
 */
export function hostTeamOf(p: Principal): {
	orgId: string | null;
	mayWrite: boolean;
	isOperator: boolean;
} {
	const member = p.orgKind === 'host_team' && !!p.orgId;
	return {
		orgId: p.orgId,
		mayWrite: member && (p.role === 'host' || p.role === 'assistant'),
		isOperator: isOperator(p)
	};
}

/** The user or token ids written as "who did it" on a row. */
export function principalIds(p: Principal): { userId: string | null; tokenId: string | null } {
	return { userId: p.userId, tokenId: p.tokenId };
}

/** A short id for logs: the user's or the token's. */
export const principalLogId = (p: Principal): string | null => p.userId ?? p.tokenId;
