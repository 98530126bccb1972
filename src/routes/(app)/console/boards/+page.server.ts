import { fail, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import {
	archiveBoard,
	createBoard,
	duplicateBoard,
	listBoards,
	renameBoard,
	restoreBoard
} from '$lib/server/boards/service';
import { orPageError } from '$lib/server/boards/http';
import type { Actor } from '$lib/server/auth/service';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser, translator } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

const STATUSES = ['active', 'templates', 'archived'] as const;
type Tab = (typeof STATUSES)[number];

function actorFrom(locals: App.Locals): Actor {
	return { kind: 'user', user: requireUser(locals) };
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = actorFrom(locals);
	const wanted = url.searchParams.get('status');
	const status: Tab = (STATUSES as readonly string[]).includes(wanted ?? '')
		? (wanted as Tab)
		: 'active';
	const canWrite = ['host', 'assistant'].includes(actor.kind === 'user' ? actor.user.role : '');
	const [boards, templates] = await Promise.all([
		orPageError(listBoards(actor, { status })),
		canWrite ? orPageError(listBoards(actor, { status: 'templates' })) : Promise.resolve([])
	]);
	return { status, boards, templates, canWrite };
};

function failWith(locals: App.Locals, action: string, e: unknown, id?: string) {
	if (e instanceof AppError)
		return fail(e.status, { action, id, error: e.toJSON(translator(locals.locale)).error });
	throw e;
}

export const actions: Actions = {
	create: async ({ locals, request }) => {
		let id: string;
		try {
			id = (await createBoard(actorFrom(locals), formObject(await request.formData()))).id;
		} catch (e) {
			return failWith(locals, 'create', e);
		}
		redirect(303, `/console/boards/${id}`);
	},
	rename: async ({ locals, request }) => {
		const form = formObject(await request.formData());
		try {
			await renameBoard(actorFrom(locals), form.id ?? '', { name: form.name });
			return { action: 'rename', id: form.id };
		} catch (e) {
			return failWith(locals, 'rename', e, form.id);
		}
	},
	duplicate: async ({ locals, request }) => {
		const form = formObject(await request.formData());
		const asTemplate = form.asTemplate === 'true';
		try {
			const name = translate(
				locals.locale,
				asTemplate ? 'boards.template_name' : 'boards.copy_name',
				{
					name: form.name ?? ''
				}
			).slice(0, 80);
			await duplicateBoard(actorFrom(locals), form.id ?? '', { name, asTemplate });
			return { action: asTemplate ? 'template' : 'duplicate', id: form.id, name };
		} catch (e) {
			return failWith(locals, 'duplicate', e, form.id);
		}
	},
	archive: async ({ locals, request }) => {
		const form = formObject(await request.formData());
		try {
			await archiveBoard(actorFrom(locals), form.id ?? '');
			return { action: 'archive', id: form.id };
		} catch (e) {
			return failWith(locals, 'archive', e, form.id);
		}
	},
	restore: async ({ locals, request }) => {
		const form = formObject(await request.formData());
		try {
			await restoreBoard(actorFrom(locals), form.id ?? '');
			return { action: 'restore', id: form.id };
		} catch (e) {
			return failWith(locals, 'restore', e, form.id);
		}
	}
};
