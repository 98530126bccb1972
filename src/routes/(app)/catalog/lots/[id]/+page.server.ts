import { error, fail } from '@sveltejs/kit';
import { blockLot, getLot, unblockLot } from '$lib/server/catalog';
import { AppError } from '$lib/server/errors';
import { formObject, requireUser, translator } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = requireUser(locals);
	try {
		const lot = await getLot(user, params.id);
		const isOperator = user.role === 'operator';
		return {
			lot,
			isOperator,
			canEdit: isOperator || (user.role === 'supplier_staff' && user.orgId === lot.supplierId)
		};
	} catch (e) {
		if (e instanceof AppError && e.status === 404) error(404, 'not_found');
		throw e;
	}
};

function failWith(locale: App.Locals['locale'], action: string, e: unknown) {
	if (e instanceof AppError)
		return fail(e.status, { action, error: e.toJSON(translator(locale)).error });
	throw e;
}

export const actions: Actions = {
	block: async ({ locals, params, request }) => {
		try {
			await blockLot(requireUser(locals), params.id, formObject(await request.formData()));
			return { action: 'block', done: true };
		} catch (e) {
			return failWith(locals.locale, 'block', e);
		}
	},
	unblock: async ({ locals, params }) => {
		try {
			await unblockLot(requireUser(locals), params.id);
			return { action: 'unblock', done: true };
		} catch (e) {
			return failWith(locals.locale, 'unblock', e);
		}
	}
};
