import { fail } from '@sveltejs/kit';
import {
	createApiToken,
	inviteAssistant,
	listApiTokens,
	listOpenInvitations,
	listTeam,
	revokeApiToken
} from '$lib/server/auth/service';
import { currentPolicy } from '$lib/server/platform/policy';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser, translator } from '$lib/server/http';
import { clientAddress } from '$lib/server/auth/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	return {
		team: await listTeam(user),
		invitations: user.role === 'host' ? await listOpenInvitations(user) : [],
		tokens: user.role !== 'assistant' ? await listApiTokens(user) : [],
		invitationDays: currentPolicy().auth.invitationDays
	};
};

function failWith(locale: App.Locals['locale'], action: string, e: unknown) {
	if (e instanceof AppError)
		return fail(e.status, { action, error: e.toJSON(translator(locale)).error });
	throw e;
}

export const actions: Actions = {
	invite: async ({ locals, request, url }) => {
		const user = requireUser(locals);
		try {
			const inv = await inviteAssistant(user, formObject(await request.formData()));
			return { action: 'invite', inviteLink: `${url.origin}/invite/${inv.token}` };
		} catch (e) {
			return failWith(locals.locale, 'invite', e);
		}
	},
	createToken: async (event) => {
		const { locals, request } = event;
		const user = requireUser(locals);
		try {
			const tok = await createApiToken(user, formObject(await request.formData()), {
				ip: clientAddress(event)
			});
			return { action: 'createToken', token: tok.token };
		} catch (e) {
			return failWith(locals.locale, 'createToken', e);
		}
	},
	revokeToken: async ({ locals, request }) => {
		const user = requireUser(locals);
		try {
			await revokeApiToken(user, formObject(await request.formData()).id ?? '');
			return { action: 'revokeToken' };
		} catch (e) {
			return failWith(locals.locale, 'revokeToken', e);
		}
	}
};
