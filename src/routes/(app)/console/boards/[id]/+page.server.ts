import { redirect } from '@sveltejs/kit';
import { createShowFromBoard } from '$lib/server/live/shows';
import { requirePrincipal } from '$lib/server/auth/principal';
import { lotSummaries } from '$lib/server/boards/lots';
import {
	addViewer,
	boardContent,
	listViewers,
	removeViewer,
	renameBoard
} from '$lib/server/boards/service';
import { formAction, pageLoad } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const actor = requirePrincipal(locals);
	const { board, meta, slots } = await boardContent(actor, params.id);
	const [lots, viewers] = await Promise.all([
		lotSummaries(slots.map((s) => s.lotId)),
		board.access === 'write' ? listViewers(actor, board.id) : Promise.resolve([])
	]);
	return { board, meta, initialSlots: slots, lots, viewers };
});

export const actions: Actions = {
	startShow: formAction(
		undefined,
		async ({ event, principal }) => {
			const { id } = await createShowFromBoard(principal(), { boardId: event.params.id });
			redirect(303, `/console/shows/${id}`);
		},
		{ action: 'startShow' }
	),
	rename: formAction(
		undefined,
		async ({ event, principal, values }) => {
			await renameBoard(principal(), event.params.id ?? '', values);
			return { action: 'rename' };
		},
		{ action: 'rename' }
	),
	addViewer: formAction(
		undefined,
		async ({ event, principal, values }) => {
			await addViewer(principal(), event.params.id ?? '', values);
			return { action: 'addViewer' };
		},
		{ action: 'addViewer' }
	),
	removeViewer: formAction(
		undefined,
		async ({ event, principal, values }) => {
			await removeViewer(principal(), event.params.id ?? '', values.userId ?? '');
			return { action: 'removeViewer' };
		},
		{ action: 'removeViewer' }
	)
};
