import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { AppError } from '../errors';
import { formObject, requireUser, translator } from '../http';
import { formField, lotFormToInput } from './forms';
import { createLot, updateLot } from './lots';
import { addLotMedia, removeLotMedia } from './media';

/** A form action's failure: status, the error translated, its form field, the values to refill. */
export function formFailure(
	event: RequestEvent,
	e: unknown,
	values: Record<string, string> = {},
	action?: string
) {
	if (!(e instanceof AppError)) throw e;
	const error = e.toJSON(translator(event.locals.locale)).error;
	return fail(e.status, { action, error: { ...error, field: formField(error.field) }, values });
}

export async function createLotAction(event: RequestEvent) {
	const user = requireUser(event.locals);
	const values = formObject(await event.request.formData());
	let id: string;
	try {
		id = (await createLot(user, lotFormToInput(values, { patch: false }))).id;
	} catch (e) {
		return formFailure(event, e, values);
	}
	redirect(303, `/supplier/lots/${id}?created=1`);
}

export async function saveLotAction(event: RequestEvent, id: string) {
	const user = requireUser(event.locals);
	const values = formObject(await event.request.formData());
	try {
		const input = lotFormToInput(values, { patch: true });
		// A blocked lot's status select is disabled and not sent; keep the status as it is.
		if (!values.status) delete input.status;
		await updateLot(user, id, input);
	} catch (e) {
		return formFailure(event, e, values, 'save');
	}
	return { action: 'save', saved: true };
}

export async function uploadMediaAction(event: RequestEvent, id: string) {
	const user = requireUser(event.locals);
	const data = await event.request.formData();
	const kind = data.get('kind') === 'defect_video' ? 'defect_video' : 'photo';
	const file = data.get('file');
	try {
		if (!(file instanceof File) || file.size === 0)
			throw new AppError('invalid', 'invalid_input', 'lot.err.required', { field: 'file' });
		await addLotMedia(user, id, { kind, bytes: new Uint8Array(await file.arrayBuffer()) });
	} catch (e) {
		return formFailure(event, e, {}, 'media');
	}
	return { action: 'media', uploaded: kind };
}

export async function deleteMediaAction(event: RequestEvent, id: string) {
	const user = requireUser(event.locals);
	const data = formObject(await event.request.formData());
	try {
		await removeLotMedia(user, id, data.mediaId ?? '');
	} catch (e) {
		return formFailure(event, e, {}, 'media');
	}
	return { action: 'media', deleted: true };
}
