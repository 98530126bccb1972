import { fail, redirect } from '@sveltejs/kit';
import { createShowFromBoard } from '$lib/server/live/shows';
import type { Actor } from '$lib/server/auth/service';
import { orPageError } from '$lib/server/boards/http';
import { lotSummaries } from '$lib/server/boards/lots';
import {
	addViewer,
	boardContent,
	listViewers,
	removeViewer,
	renameBoard
} from '$lib/server/boards/service';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser, translator } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

const actorFrom = (locals: App.Locals): Actor => ({ kind: 'user', user: requireUser(locals) });

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = actorFrom(locals);
	const { board, meta, slots } = await orPageError(boardContent(actor, params.id));
	const [lots, viewers] = await Promise.all([
		lotSummaries(slots.map((s) => s.lotId)),
		board.access === 'write' ? listViewers(actor, board.id) : Promise.resolve([])
	]);
	return { board, meta, initialSlots: slots, lots, viewers };
};

function failWith(locals: App.Locals, action: string, e: unknown) {
	if (e instanceof AppError)
		return fail(e.status, { action, error: e.toJSON(translator(locals.locale)).error });
	throw e;
}

export const actions: Actions = {
	startShow: async ({ locals, params }) => {
		let id: string;
		try {
			({ id } = await createShowFromBoard(actorFrom(locals), { boardId: params.id }));
		} catch (e) {
			return failWith(locals, 'startShow', e);
		}
		redirect(303, `/console/shows/${id}`);
	},
	rename: async ({ locals, params, request }) => {
		try {
			await renameBoard(actorFrom(locals), params.id, formObject(await request.formData()));
			return { action: 'rename' };
		} catch (e) {
			return failWith(locals, 'rename', e);
		}
	},
	addViewer: async ({ locals, params, request }) => {
		try {
			await addViewer(actorFrom(locals), params.id, formObject(await request.formData()));
			return { action: 'addViewer' };
		} catch (e) {
			return failWith(locals, 'addViewer', e);
		}
	},
	removeViewer: async ({ locals, params, request }) => {
		try {
			await removeViewer(
				actorFrom(locals),
				params.id,
				formObject(await request.formData()).userId ?? ''
			);
			return { action: 'removeViewer' };
		} catch (e) {
			return failWith(locals, 'removeViewer', e);
		}
	}
};
