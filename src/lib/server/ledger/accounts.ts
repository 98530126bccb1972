import { createHash } from 'node:crypto';
import type { AccountKey, AccountKind } from '$lib/domain/ledger';

/**
 * The id of the account for (kind, party). Derived, not looked up: the same key always gives the
 * same uuid, so a posting can name its accounts without a query, and creating an account is an
 * `insert … on conflict do nothing` in the posting's own transaction.
 */
export function accountId(key: AccountKey): string {
	const name = `lotlive.ledger:${key.kind}:${key.orgId ?? 'platform'}`;
	let id = known.get(name);
	if (id === undefined) {
		const h = createHash('sha256').update(name).digest('hex');
		// Shaped as an RFC 4122 name-based uuid (version 5 bits, variant 10).
		const v = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
		id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
		// Every posting names two or more accounts, mostly the same few: hashed once each.
		if (known.size >= 10_000) known.clear();
		known.set(name, id);
	}
	return id;
}
const known = new Map<string, string>();

/** Payable accounts belong to one party each; which one an organisation kind holds. */
export const PAYABLE_BY_ORG_KIND: Partial<Record<string, AccountKind>> = {
	host_team: 'host_payable',
	supplier: 'supplier_payable'
};
