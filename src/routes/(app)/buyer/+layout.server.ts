import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { forbidden } from '$lib/server/errors';
import type { LayoutServerLoad } from './$types';

/**
 * The buyer's trade area. hooks.server.ts already keeps every other role out of /buyer (pages,
 * form actions and endpoints: AREAS.buyer); this also needs the buyer's organisation, whose
 * cart and orders these pages show and whose socket room (`org:<id>`) they listen to. Operators
 * follow trade orders from the admin pages, not here (403).
 */
export const load: LayoutServerLoad = pageLoad(({ locals }) => {
	const p = requirePrincipal(locals);
	if (p.role !== 'buyer' || p.orgKind !== 'buyer' || !p.orgId)
		throw forbidden('buyer.err.buyer_only');
	return { buyerOrgId: p.orgId };
});
