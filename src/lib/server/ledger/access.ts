import { eq } from 'drizzle-orm';
import type { AccountKind } from '$lib/domain/ledger';
import { isOperator, type Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import { orgs } from '../db/schema';
import { forbidden, notFound } from '../errors';
import { PAYABLE_BY_ORG_KIND } from './accounts';
import { isUuid } from '../ids';

/*
 * Who is looking at money (a Principal). Everyone reads only their own organisation's figures:
 * the host and assistants of a host team (assistants read; nothing in the ledger is theirs to
 * write), the staff of a supplier, an organisation's API token. The platform operator reads
 * everything and is the only one who creates or pays payouts. Buyers see nothing here.
 */

export { isOperator };

export function requireOperator(a: Principal): void {
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
export async function authorizeParty(a: Principal, orgId: string): Promise<PartyOrg> {
	if (!isOperator(a) && a.orgKind !== 'host_team' && a.orgKind !== 'supplier')
		throw forbidden('ledger.err.forbidden');
	const org = await partyOrg(orgId);
	if (isOperator(a)) return org;
	if (a.orgId !== org.id || a.orgKind !== org.kind) throw forbidden('ledger.err.forbidden');
	return org;
}

/** The actor's own party organisation (for "my earnings" pages), or 403. */
export function ownParty(a: Principal, kind: 'host_team' | 'supplier'): string {
	if (!a.orgId || a.orgKind !== kind) throw forbidden('ledger.err.forbidden');
	return a.orgId;
}

/**
 * A buyer organisation whose statement the actor may read (issue 21): the buyer's own people
 * and tokens theirs, the operator any buyer's; another organisation, an unknown one or one that
 * is no buyer → 404 (a buyer does not learn which ids exist). Kept apart from `partyOrg`, which
 * payouts use: a buyer holds no payable and never reaches payouts.
 */
export async function buyerOrg(a: Principal, orgId: string): Promise<{ id: string; name: string }> {
	const own = a.orgKind === 'buyer' && a.orgId === orgId;
	if (!isOperator(a) && !own) throw notFound('Organisation', 'orgId');
	if (!isUuid(orgId)) throw notFound('Organisation', 'orgId');
	const [o] = await db()
		.select({ id: orgs.id, name: orgs.name, kind: orgs.kind })
		.from(orgs)
		.where(eq(orgs.id, orgId));
	if (!o || o.kind !== 'buyer') throw notFound('Organisation', 'orgId');
	return { id: o.id, name: o.name };
}
