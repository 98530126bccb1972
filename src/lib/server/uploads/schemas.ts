import { z } from '$lib/server/validation';
import { UPLOAD_MIMES, UPLOAD_PURPOSE_NAMES } from './purposes';

const wellFormed = (v: string) => v.isWellFormed();

/** POST /api/v1/uploads: a resumable upload is announced with what it is and how big. */
export const CreateUploadInput = z
	.object({
		purpose: z.enum(UPLOAD_PURPOSE_NAMES, { error: 'v.choice' }),
		refId: z.uuid({ error: 'input.err.id' }),
		/** Bytes of the whole file. */
		size: z
			.number({ error: 'v.integer' })
			.int({ error: 'v.integer' })
			.min(1)
			.max(Number.MAX_SAFE_INTEGER),
		mime: z.enum(UPLOAD_MIMES, { error: 'upload.err.mime' }),
		/** The file's name on the device (shown to people; never used as a path). */
		name: z.string().trim().min(1).max(200).refine(wellFormed, { error: 'input.err.control_chars' })
	})
	.strict();
