// Lot media (photos, the defect video) and the /media route's access check.
import type { Principal } from '../auth/principal';
import { and, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Policy } from '$lib/domain/policy';
import { deriveLotFields } from '$lib/domain/pricing';
import { db, type DbOrTx } from '../db';
import { lotMedia, lots, supplierDocuments, type Lot } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import { isUuid } from '../ids';
import { isOperator } from './actor';
import { writableSupplier } from './lots';
import { maySee, visibleSql, type MediaItem } from './lots-read';
import { currentPolicy } from '../platform/policy';
import { EXT_BY_MIME, mediaStorage, mediaUrl, sniffMime } from '../platform/storage';

/**
 * Adds a photo or the defect video to a lot. The type comes from the bytes, not the name;
 * has_defect_video and the scenario tags are derived again in the same transaction.
 */
export async function addLotMedia(
	actor: Principal,
	lotId: string,
	input: { kind: 'photo' | 'defect_video'; bytes: Uint8Array }
): Promise<MediaItem> {
	if (!isUuid(lotId)) throw notFound('Lot', 'id');
	const policy = currentPolicy();
	const mime = sniffMime(input.bytes);
	const photo = input.kind === 'photo';
	const allowed = photo ? ['image/png', 'image/jpeg', 'image/webp'] : ['video/webm', 'video/mp4'];
	if (!mime || !allowed.includes(mime))
		throw new AppError(
			'invalid',
			'unsupported_media',
			photo ? 'lot.err.photo_type' : 'lot.err.video_type',
			{
				field: 'file'
			}
		);
	const max = photo ? policy.catalog.photoMaxBytes : policy.catalog.videoMaxBytes;
	if (input.bytes.byteLength > max)
		throw new AppError('invalid', 'too_large', 'lot.err.file_too_large', {
			field: 'file',
			params: { mb: Math.round(max / 1024 / 1024) }
		});
	const key = `lots/${lotId}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[mime]}`;
	await mediaStorage().put(key, input.bytes, mime);
	try {
		return await db().transaction(async (tx) => {
			const lot = await ownedLotForUpdate(tx, actor, lotId);
			const existing = await tx
				.select({ id: lotMedia.id, position: lotMedia.position })
				.from(lotMedia)
				.where(and(eq(lotMedia.lotId, lotId), eq(lotMedia.kind, input.kind)));
			if (photo && existing.length >= policy.catalog.photosPerLot)
				throw new AppError('rule', 'too_many_photos', 'lot.err.too_many_photos', {
					field: 'file',
					params: { n: policy.catalog.photosPerLot }
				});
			const position = existing.reduce((m, e) => Math.max(m, e.position + 1), 0);
			const [m] = await tx
				.insert(lotMedia)
				.values({
					lotId,
					kind: input.kind,
					storageKey: key,
					mime,
					bytes: input.bytes.byteLength,
					position
				})
				.returning();
			await rederive(tx, lot, policy);
			return { id: m!.id, kind: m!.kind, mime, bytes: m!.bytes, position, url: mediaUrl(key) };
		});
	} catch (e) {
		await mediaStorage()
			.delete(key)
			.catch(() => {});
		throw e;
	}
}

export async function removeLotMedia(
	actor: Principal,
	lotId: string,
	mediaId: string
): Promise<void> {
	if (!isUuid(lotId) || !isUuid(mediaId)) throw notFound('Media', 'id');
	const policy = currentPolicy();
	const key = await db().transaction(async (tx) => {
		const lot = await ownedLotForUpdate(tx, actor, lotId);
		const [m] = await tx
			.delete(lotMedia)
			.where(and(eq(lotMedia.id, mediaId), eq(lotMedia.lotId, lotId)))
			.returning({ storageKey: lotMedia.storageKey });
		if (!m) throw notFound('Media', 'id');
		await rederive(tx, lot, policy);
		return m.storageKey;
	});
	await mediaStorage().delete(key);
}

async function ownedLotForUpdate(tx: DbOrTx, actor: Principal, lotId: string): Promise<Lot> {
	const [lot] = await tx.select().from(lots).where(eq(lots.id, lotId)).for('update').limit(1);
	if (!lot) throw notFound('Lot', 'id');
	if (!isOperator(actor)) {
		if (actor.role !== 'supplier_staff') throw forbidden('lot.err.supplier_only');
		if (lot.supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
		await writableSupplier(tx, actor, lot.supplierId);
	}
	return lot;
}

/** Recomputes has_defect_video and the scenario tags from the media rows and the lot. */
async function rederive(tx: DbOrTx, lot: Lot, policy: Policy): Promise<void> {
	const [v] = await tx
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(lotMedia)
		.where(and(eq(lotMedia.lotId, lot.id), eq(lotMedia.kind, 'defect_video')));
	const hasDefectVideo = (v?.n ?? 0) > 0;
	const d = deriveLotFields({ ...lot, hasDefectVideo }, policy);
	await tx
		.update(lots)
		.set({ hasDefectVideo, scenarios: d.scenarios, updatedAt: new Date() })
		.where(eq(lots.id, lot.id));
}

/**
 * A media file for the /media route, if this actor may see it: lot media follow the lot's
 * visibility; supplier documents only their supplier and operators.
 */
export async function openMedia(actor: Principal, key: string) {
	const [m] = await db()
		.select({
			mime: lotMedia.mime,
			supplierId: lots.supplierId,
			visible: sql<boolean>`${visibleSql}`
		})
		.from(lotMedia)
		.innerJoin(lots, eq(lots.id, lotMedia.lotId))
		.where(eq(lotMedia.storageKey, key))
		.limit(1);
	let mime: string | null = null;
	if (m && maySee(actor, { visible: Boolean(m.visible), supplierId: m.supplierId })) mime = m.mime;
	if (!m) {
		const [d] = await db()
			.select({ supplierId: supplierDocuments.supplierId })
			.from(supplierDocuments)
			.where(eq(supplierDocuments.storageKey, key))
			.limit(1);
		if (d && (isOperator(actor) || actor.orgId === d.supplierId)) mime = sniffMimeFromKey(key);
	}
	if (!mime) throw notFound('Media');
	const file = await mediaStorage().get(key);
	if (!file) throw notFound('Media');
	return { ...file, mime };
}

function sniffMimeFromKey(key: string): string {
	const ext = key.slice(key.lastIndexOf('.') + 1);
	return Object.entries(EXT_BY_MIME).find(([, e]) => e === ext)?.[0] ?? 'application/octet-stream';
}
