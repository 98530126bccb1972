import { redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import {
	archiveBoard,
	createBoard,
	duplicateBoard,
	listBoards,
	renameBoard,
	restoreBoard
} from '$lib/server/boards/service';
import { hostTeamOf, requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad, type FormOptions } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

const STATUSES = ['active', 'templates', 'archived'] as const;
type Tab = (typeof STATUSES)[number];

export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const actor = requirePrincipal(locals);
	const wanted = url.searchParams.get('status');
	const status: Tab = (STATUSES as readonly string[]).includes(wanted ?? '')
		? (wanted as Tab)
		: 'active';
	const canWrite = hostTeamOf(actor).mayWrite;
	const [boards, templates] = await Promise.all([
		listBoards(actor, { status }),
		canWrite ? listBoards(actor, { status: 'templates' }) : Promise.resolve([])
	]);
	return { status, boards, templates, canWrite };
});

/** A board row's form: the failure names the action and the board's id. */
const rowForm = (action: string): FormOptions => ({
	action,
	extra: (values) => ({ id: values.id })
});

export const actions: Actions = {
	create: formAction(
		undefined,
		async ({ principal, values }) => {
			const { id } = await createBoard(principal(), values);
			redirect(303, `/console/boards/${id}`);
		},
		{ action: 'create' }
	),
	rename: formAction(
		undefined,
		async ({ principal, values }) => {
			await renameBoard(principal(), values.id ?? '', { name: values.name });
			return { action: 'rename', id: values.id };
		},
		rowForm('rename')
	),
	duplicate: formAction(
		undefined,
		async ({ event, principal, values }) => {
			const asTemplate = values.asTemplate === 'true';
			const name = translate(
				event.locals.locale,
				asTemplate ? 'boards.template_name' : 'boards.copy_name',
				{ name: values.name ?? '' }
			).slice(0, 80);
			await duplicateBoard(principal(), values.id ?? '', { name, asTemplate });
			return { action: asTemplate ? 'template' : 'duplicate', id: values.id, name };
		},
		rowForm('duplicate')
	),
	archive: formAction(
		undefined,
		async ({ principal, values }) => {
			await archiveBoard(principal(), values.id ?? '');
			return { action: 'archive', id: values.id };
		},
		rowForm('archive')
	),
	restore: formAction(
		undefined,
		async ({ principal, values }) => {
			await restoreBoard(principal(), values.id ?? '');
			return { action: 'restore', id: values.id };
		},
		rowForm('restore')
	)
};
