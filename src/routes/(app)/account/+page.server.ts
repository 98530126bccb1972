import {
	createApiToken,
	inviteAssistant,
	listApiTokens,
	listOpenInvitations,
	listTeam,
	revokeApiToken
} from '$lib/server/auth/service';
import { currentPolicy } from '$lib/server/platform/policy';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { clientAddress } from '$lib/server/auth/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals }) => {
	const principal = requirePrincipal(locals);
	return {
		team: await listTeam(principal),
		invitations: principal.role === 'host' ? await listOpenInvitations(principal) : [],
		tokens: principal.role !== 'assistant' ? await listApiTokens(principal) : [],
		invitationDays: currentPolicy().auth.invitationDays
	};
});

export const actions: Actions = {
	invite: formAction(
		undefined,
		async ({ event, principal, values }) => {
			const inv = await inviteAssistant(principal(), values);
			return { action: 'invite', inviteLink: `${event.url.origin}/invite/${inv.token}` };
		},
		{ action: 'invite' }
	),
	createToken: formAction(
		undefined,
		async ({ event, principal, values }) => {
			const tok = await createApiToken(principal(), values, { ip: clientAddress(event) });
			return { action: 'createToken', token: tok.token };
		},
		{ action: 'createToken' }
	),
	revokeToken: formAction(
		undefined,
		async ({ principal, values }) => {
			await revokeApiToken(principal(), values.id ?? '');
			return { action: 'revokeToken' };
		},
		{ action: 'revokeToken' }
	)
};
