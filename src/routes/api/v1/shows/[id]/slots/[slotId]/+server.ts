import { requirePrincipal } from '$lib/server/auth/principal';
import { json } from '@sveltejs/kit';
import { setSlotPackaging } from '$lib/server/live/shows';
import { api, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** {packaging: ('relabel_live'|'remove_logo'|'repack')[]} for this slot's parcels. */
export const PATCH: RequestHandler = api(async ({ locals, params, request }) =>
	json({
		slot: await setSlotPackaging(
			requirePrincipal(locals),
			params.id,
			params.slotId,
			await readJson(request)
		)
	})
);
