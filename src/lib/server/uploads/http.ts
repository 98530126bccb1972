import { AppError } from '../errors';
import { readBodyLimited } from './body';
import { UPLOAD_CHUNK_BYTES } from './purposes';

const CHUNK_TYPES = new Set(['application/offset+octet-stream', 'application/octet-stream']);

/**
 * A PATCH's chunk: `application/offset+octet-stream` (tus) or `application/octet-stream`, at most
 * UPLOAD_CHUNK_BYTES (413 before it is read further). Any other type is a 400 naming the header.
 */
export async function readChunk(request: Request): Promise<Uint8Array> {
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
	if (!CHUNK_TYPES.has(type))
		throw new AppError('invalid', 'invalid_input', 'upload.err.chunk_type', {
			field: 'Content-Type'
		});
	return readBodyLimited(request, UPLOAD_CHUNK_BYTES, 'body');
}
