import { getShow, lockHistory } from '$lib/server/live/shows';
import { requireActor, translator } from '$lib/server/http';
import { DEFAULT_POLICY } from '$lib/domain/policy';
import type { PageServerLoad } from './$types';
import { AppError } from '$lib/server/errors';
import { error } from '@sveltejs/kit';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = requireActor(locals);
	try {
		const s = await getShow(actor, params.id);
		return {
			show: {
				id: s.show.id,
				title: s.show.title,
				status: s.show.status,
				currentSlotId: s.show.currentSlotId
			},
			canWrite: s.canWrite,
			slots: s.slots.map((x) => ({
				...x,
				defectDescription: x.defectDescription ?? null,
				plannedAt: x.plannedAt?.toISOString() ?? null
			})),
			counters: s.counters,
			history: (await lockHistory(actor, params.id, 50)).map((h) => ({
				...h,
				at: h.at.toISOString()
			})),
			lowStockUnits: DEFAULT_POLICY.live.lowStockUnits
		};
	} catch (e) {
		if (e instanceof AppError)
			error(e.status, {
				message: translator(locals.locale)(e.message, e.params),
				code: e.code
			});
		throw e;
	}
};
