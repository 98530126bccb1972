import { getShow, lockHistory } from '$lib/server/live/shows';
import { boardAccess } from '$lib/server/boards/service';
import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { currentPolicy } from '$lib/server/platform/policy';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const actor = requirePrincipal(locals);
	const s = await getShow(actor, params.id);
	// The board the show was started from, when this person may open it (the /collab
	// endpoint checks again): its script, notes and checklist go on air beside the lot's.
	const board =
		s.show.boardId && (await boardAccess(actor, s.show.boardId)) ? { id: s.show.boardId } : null;
	return {
		board,
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
		lowStockUnits: currentPolicy().live.lowStockUnits
	};
});
