import { redirect, type RequestEvent } from '@sveltejs/kit';
import { formAction, type FormOptions } from '../edge';
import { AppError } from '../errors';
import { formField, lotFormToInput } from './forms';
import { createLot, updateLot } from './lots';
import { addLotMedia, removeLotMedia } from './media';

/** The lot forms' failures name the form's own fields (`unitPrice`, not `unitPriceFen`). */
const lotForm = (action?: string): FormOptions => ({ action, field: formField });

export const createLotAction = formAction(
	undefined,
	async ({ principal, values }) => {
		const { id } = await createLot(principal(), lotFormToInput(values, { patch: false }));
		redirect(303, `/supplier/lots/${id}?created=1`);
	},
	lotForm()
);

export const saveLotAction = (event: RequestEvent, id: string) =>
	formAction(
		undefined,
		async ({ principal, values }) => {
			const input = lotFormToInput(values, { patch: true });
			// A blocked lot's status select is disabled and not sent; keep the status as it is.
			if (!values.status) delete input.status;
			await updateLot(principal(), id, input);
			return { action: 'save', saved: true };
		},
		lotForm('save')
	)(event);

export const uploadMediaAction = (event: RequestEvent, id: string) =>
	formAction(
		undefined,
		async ({ principal, data }) => {
			const kind = data.get('kind') === 'defect_video' ? 'defect_video' : 'photo';
			const file = data.get('file');
			if (!(file instanceof File) || file.size === 0)
				throw new AppError('invalid', 'invalid_input', 'lot.err.required', { field: 'file' });
			await addLotMedia(principal(), id, { kind, bytes: new Uint8Array(await file.arrayBuffer()) });
			return { action: 'media', uploaded: kind };
		},
		// a failed upload sends no values back (nothing to refill but the file)
		{ ...lotForm('media'), keepValues: false }
	)(event);

export const deleteMediaAction = (event: RequestEvent, id: string) =>
	formAction(
		undefined,
		async ({ principal, values }) => {
			await removeLotMedia(principal(), id, values.mediaId ?? '');
			return { action: 'media', deleted: true };
		},
		{ ...lotForm('media'), keepValues: false }
	)(event);
