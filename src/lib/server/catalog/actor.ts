import type { Role } from '$lib/domain/roles';
import type { Actor } from '../auth/service';
import type { SessionUser } from '../auth/session';
import { forbidden, unauthenticated } from '../errors';

/**
 * Who is acting on the catalog, whatever door they came through: a signed-in user, or an
 * organisation's API token (which acts with the role its organisation kind implies).
 */
export interface CatalogActor {
	kind: 'user' | 'token';
	role: Role;
	orgId: string | null;
	userId: string | null;
}

const ROLE_BY_ORG_KIND: Record<string, Role> = {
	supplier: 'supplier_staff',
	platform: 'operator',
	buyer: 'buyer',
	host_team: 'host'
};

export function catalogActor(
	a: Actor | SessionUser | CatalogActor | null | undefined
): CatalogActor {
	if (!a) throw unauthenticated();
	if ('kind' in a && (a.kind === 'user' || a.kind === 'token') && 'role' in a && !('user' in a))
		return a as CatalogActor;
	if ('kind' in a && a.kind === 'user' && 'user' in a) return fromUser(a.user);
	if ('kind' in a && a.kind === 'token' && 'orgKind' in a) {
		const role = ROLE_BY_ORG_KIND[a.orgKind];
		if (!role) throw forbidden();
		return { kind: 'token', role, orgId: a.orgId, userId: null };
	}
	return fromUser(a as SessionUser);
}

function fromUser(u: SessionUser): CatalogActor {
	return { kind: 'user', role: u.role, orgId: u.orgId, userId: u.id };
}

export const isOperator = (a: CatalogActor) => a.role === 'operator';

export function requireOperator(a: CatalogActor): void {
	if (!isOperator(a)) throw forbidden('lot.err.operator_only');
}
