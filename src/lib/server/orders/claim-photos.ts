import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/service';
import { EXT_BY_MIME, mediaStorage, sniffMime } from '../catalog/storage';
import { AppError, forbidden } from '../errors';
import { claimDefects } from './fulfil';
import { getFulfilment, sideOf } from './queries';

const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_PHOTOS = 20;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * A severe-defect claim with its photos uploaded as files (the console's form): the photos are
 * checked by content, stored under claims/<fulfilmentId>/ in the media storage, and their keys
 * go to claimDefects. If the claim is refused, the stored photos are removed again.
 */
export async function claimWithPhotos(
	actor: Actor,
	fulfilmentId: string,
	input: { severePieces: unknown; description: unknown; photos: Uint8Array[] }
) {
	const f = await getFulfilment(actor, fulfilmentId);
	if (sideOf(actor, f) === 'supplier') {
		throw forbidden('Claims are filed by the host team.');
	}
	const photos = input.photos.filter((p) => p.byteLength > 0);
	if (photos.length > MAX_PHOTOS) {
		throw new AppError('invalid', 'invalid_input', 'orders.claim.photo_count', { field: 'photos' });
	}
	const typed = photos.map((bytes) => {
		const mime = sniffMime(bytes);
		if (!mime || !PHOTO_TYPES.includes(mime)) {
			throw new AppError('invalid', 'unsupported_media', 'orders.claim.photo_type', {
				field: 'photos'
			});
		}
		if (bytes.byteLength > MAX_PHOTO_BYTES) {
			throw new AppError('invalid', 'too_large', 'orders.claim.photo_size', { field: 'photos' });
		}
		return { bytes, mime };
	});
	const keys: string[] = [];
	try {
		for (const p of typed) {
			const key = `claims/${f.id}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[p.mime]}`;
			await mediaStorage().put(key, p.bytes, p.mime);
			keys.push(key);
		}
		return await claimDefects(actor, f.id, {
			severePieces: input.severePieces,
			description: input.description,
			photos: keys
		});
	} catch (e) {
		await Promise.all(
			keys.map((k) =>
				mediaStorage()
					.delete(k)
					.catch(() => undefined)
			)
		);
		throw e;
	}
}
