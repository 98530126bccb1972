import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { unauthenticated } from '$lib/server/errors';
import type { RequestHandler } from './$types';

/** Who the caller is: a user (session) or an organisation (API token). */
export const GET: RequestHandler = api(async ({ locals }) => {
	const actor = locals.principal;
	if (!actor) throw unauthenticated();
	if (actor.source === 'token' || !locals.user)
		return json({ kind: 'token', orgId: actor.orgId, orgKind: actor.orgKind });
	const u = locals.user;
	return json({
		kind: 'user',
		user: {
			id: u.id,
			email: u.email,
			displayName: u.displayName,
			role: u.role,
			orgId: u.orgId,
			orgName: u.orgName
		}
	});
});
