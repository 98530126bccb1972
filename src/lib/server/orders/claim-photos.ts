import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { EXT_BY_MIME, mediaStorage, sniffMime } from '../platform/storage';
import { and, eq, sql } from 'drizzle-orm';
import { db } from '../db';
import { defectClaims } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
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
	actor: Principal,
	fulfilmentId: string,
	input: { severePieces: unknown; description: unknown; photos: Uint8Array[] }
) {
	const f = await getFulfilment(actor, fulfilmentId);
	if (sideOf(actor, f) === 'supplier') {
		throw forbidden('orders.err.claims_by_team');
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

const CLAIM_KEY = /^claims\/([0-9a-f-]{36})\/[0-9a-f]{24}\.(png|jpg|webp)$/;

/**
 * A claim photo for a party of the claimed parcel (its supplier, the host team, operators):
 * the evidence behind a replacement. Anyone else, or a key no claim holds, is 404.
 */
export async function openClaimPhoto(actor: Principal, key: string) {
	const m = CLAIM_KEY.exec(key);
	if (!m) throw notFound('Media');
	await getFulfilment(actor, m[1]!);
	const [claim] = await db()
		.select({ id: defectClaims.id })
		.from(defectClaims)
		.where(and(eq(defectClaims.fulfilmentId, m[1]!), sql`${key} = any(${defectClaims.photos})`))
		.limit(1);
	if (!claim) throw notFound('Media');
	const file = await mediaStorage().get(key);
	if (!file) throw notFound('Media');
	const mime = Object.entries(EXT_BY_MIME).find(([, e]) => e === m[2])?.[0] ?? 'image/jpeg';
	return { ...file, mime };
}
