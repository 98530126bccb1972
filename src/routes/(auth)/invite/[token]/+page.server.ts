import { findInvitation } from '$lib/server/auth/service';
import { acceptInvitationAction } from '$lib/server/auth/actions';
import { passwordMin } from '$lib/server/auth/schemas';
import { pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ params }) => {
	const inv = await findInvitation(params.token);
	return {
		invitation: inv ? { email: inv.email, teamName: inv.teamName } : null,
		passwordMin: passwordMin()
	};
});

export const actions: Actions = {
	default: (event) => acceptInvitationAction(event, event.params.token)
};
