import { AppError } from '../errors';

/** 413 `too_large` naming the field, with the limit in MB for the message. */
export function tooLarge(maxBytes: number, field: string): AppError {
	return new AppError('too_large', 'too_large', 'upload.err.too_large', {
		field,
		params: { maxMb: Math.max(1, Math.floor(maxBytes / (1024 * 1024))) }
	});
}

/**
 * A request body of at most `maxBytes`: refused from its Content-Length before reading, and
 * while reading once more has arrived than allowed (a chunked body has no length), so a huge
 * body is never held in memory. A body that breaks off (client gone) is a 400.
 */
export async function readBodyLimited(
	request: Request,
	maxBytes: number,
	field = 'body'
): Promise<Uint8Array<ArrayBuffer>> {
	const declared = request.headers.get('content-length');
	if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes)
		throw tooLarge(maxBytes, field);
	if (!request.body) return new Uint8Array(0);
	const reader = request.body.getReader();
	const parts: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			total += value.byteLength;
			if (total > maxBytes) {
				await reader.cancel().catch(() => {});
				throw tooLarge(maxBytes, field);
			}
			parts.push(value);
		}
	} catch (e) {
		if (e instanceof AppError) throw e;
		throw new AppError('invalid', 'invalid_input', 'upload.err.unreadable', { field });
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}
