import { AppError } from '../errors';
import { translator } from '../http';
import type { Locale } from '$lib/i18n';
import type { ImportResult } from './import';

/** Import errors with their messages in the caller's language. */
export function translateImport(r: ImportResult, locale: Locale) {
	const t = translator(locale);
	return {
		...r,
		errors: r.errors.map(({ params, ...e }) => ({ ...e, message: t(e.message, params) }))
	};
}

/** The uploaded sheet: a multipart `file` field, or the raw body (text/csv or XLSX). */
export async function readUpload(request: Request, field = 'file'): Promise<Uint8Array> {
	const type = request.headers.get('content-type') ?? '';
	if (type.includes('multipart/form-data')) {
		const form = await request.formData();
		const f = form.get(field);
		if (!(f instanceof File) || f.size === 0)
			throw new AppError('invalid', 'invalid_input', 'import.err.unreadable', { field });
		return new Uint8Array(await f.arrayBuffer());
	}
	const bytes = new Uint8Array(await request.arrayBuffer());
	if (bytes.byteLength === 0)
		throw new AppError('invalid', 'invalid_input', 'import.err.unreadable', { field });
	return bytes;
}
