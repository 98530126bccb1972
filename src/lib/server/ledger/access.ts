import { eq } from 'drizzle-orm';
import type { AccountKind } from '$lib/domain/ledger';
import type { Role } from '$lib/domain/roles';
import type { Actor } from '../auth/service';
import type { SessionUser } from '../auth/session';
import { db, type DbOrTx } from '../db';
import { orgs } from '../db/schema';
import { forbidden, notFound, unauthenticated } from '../errors';
import { PAYABLE_BY_ORG_KIND } from './accounts';
import { isUuid } from '../ids';

/**
 * Who is looking at money. Everyone reads only their own organisation's figures: the host and
 * assistants of a host team (assistants read; nothing in the ledger is theirs to write), the
 * staff of a supplier, an organisation's API token. The platform operator reads everything and
 * is the only one who creates or pays payouts. Buyers see nothing here.
 */
export interface LedgerActor {
	role: Role | null;
	orgId: string | null;
	orgKind: string | null;
	userId: string | null;
}

const ORG_KIND_OF_ROLE: Record<Role, string> = {
	operator: 'platform',
	supplier_staff: 'supplier',
	host: 'host_team',
	assistant: 'host_team',
	buyer: 'buyer'
};

export type ActorLike = Actor | SessionUser | null | undefined;

export function ledgerActor(a: ActorLike): LedgerActor {
	if (!a) throw unauthenticated();
	if ('kind' in a && a.kind === 'token')
		return { role: null, orgId: a.orgId, orgKind: a.orgKind, userId: null };
	const u = 'kind' in a && a.kind === 'user' ? a.user : (a as SessionUser);
	return { role: u.role, orgId: u.orgId, orgKind: ORG_KIND_OF_ROLE[u.role], userId: u.id };
}

export const isOperator = (a: LedgerActor) => a.role === 'operator';

export function requireOperator(a: LedgerActor): void {
	if (!isOperator(a)) throw forbidden('ledger.err.operator_only');
}

export interface PartyOrg {
	id: string;
	name: string;
	kind: 'host_team' | 'supplier';
	account: AccountKind;
}

/** An organisation that holds a payable account (host team or supplier), or 404. */
export async function partyOrg(orgId: string, tx: DbOrTx = db()): Promise<PartyOrg> {
	if (!isUuid(orgId)) throw notFound('Organisation', 'orgId');
	const [o] = await tx
		.select({ id: orgs.id, name: orgs.name, kind: orgs.kind })
		.from(orgs)
		.where(eq(orgs.id, orgId));
	const account = o ? PAYABLE_BY_ORG_KIND[o.kind] : undefined;
	if (!o || !account) throw notFound('Organisation', 'orgId');
	return { id: o.id, name: o.name, kind: o.kind as PartyOrg['kind'], account };
}

/**
 * May this actor read the organisation's money (statement, earnings, receivables)? Its own
 * members and the operator may; anyone else gets 403 (the organisation exists, but it is not
 * theirs). Returns the organisation.
 */
export async function authorizeParty(a: LedgerActor, orgId: string): Promise<PartyOrg> {
	if (!isOperator(a) && a.orgKind !== 'host_team' && a.orgKind !== 'supplier')
		throw forbidden('ledger.err.forbidden');
	const org = await partyOrg(orgId);
	if (isOperator(a)) return org;
	if (a.orgId !== org.id || a.orgKind !== org.kind) throw forbidden('ledger.err.forbidden');
	return org;
}

/** The actor's own party organisation (for "my earnings" pages), or 403. */
export function ownParty(a: LedgerActor, kind: 'host_team' | 'supplier'): string {
	if (!a.orgId || a.orgKind !== kind) throw forbidden('ledger.err.forbidden');
	return a.orgId;
}
