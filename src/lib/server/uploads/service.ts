// Resumable uploads, tus-like (docs/TRADE.md "Uploads"): announce (POST: purpose, ref, size,
// type, name) → send chunks at the server's offset (PATCH with Upload-Offset) → ask the offset
// after a drop (HEAD) and go on. Each chunk is stored through the media storage as a part and
// listed on the row with a conditional update on the offset, so two racing chunks cannot both
// land and any node can take the next one. The last chunk joins the parts into the final key
// (after sniffing the content) and deletes them; a job expires what was left incomplete.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { uploads, type UploadPart, type UploadRow } from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { logger } from '../log';
import { EXT_BY_MIME, mediaStorage, putStream, sniffMime } from '../platform/storage';
import { tooLarge } from './body';
import {
	UPLOAD_CHUNK_BYTES,
	UPLOAD_EXPIRY_HOURS,
	UPLOAD_PURPOSES,
	type UploadAuthorizer,
	type UploadPurpose
} from './purposes';
import { CreateUploadInput } from './schemas';

export interface UploadView {
	id: string;
	purpose: string;
	refId: string;
	name: string;
	mime: string;
	size: number;
	offset: number;
	status: UploadRow['status'];
	/** The largest chunk a PATCH may carry. */
	chunkSize: number;
	/** Storage key and URL once complete. */
	key: string | null;
	url: string | null;
	expiresAt: string;
}

const HOUR_MS = 3_600_000;
const expiry = (now: Date) => new Date(now.getTime() + UPLOAD_EXPIRY_HOURS * HOUR_MS);

export function uploadView(r: UploadRow): UploadView {
	return {
		id: r.id,
		purpose: r.purpose,
		refId: r.refId,
		name: r.name,
		mime: r.mime,
		size: r.size,
		offset: r.offset,
		status: r.status,
		chunkSize: UPLOAD_CHUNK_BYTES,
		key: r.key,
		url: r.key ? mediaStorage().url(r.key) : null,
		expiresAt: r.expiresAt.toISOString()
	};
}

const unknownUpload = () =>
	new AppError('not_found', 'not_found', 'upload.err.not_found', { field: 'id' });

/** The caller's organisation, or 403: uploads belong to an organisation. */
function ownerOf(p: Principal): { orgId: string; userId: string | null; tokenId: string | null } {
	if (!p.orgId) throw forbidden();
	return { orgId: p.orgId, userId: p.userId, tokenId: p.tokenId };
}

/** The upload if the caller made it (same org and same user or token); else 404, no hint. */
async function owned(p: Principal, id: unknown): Promise<UploadRow> {
	if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw unknownUpload();
	if (!p.orgId) throw unknownUpload();
	const [row] = await db().select().from(uploads).where(eq(uploads.id, id.toLowerCase()));
	if (
		!row ||
		row.orgId !== p.orgId ||
		(row.userId ?? null) !== (p.userId ?? null) ||
		(row.tokenId ?? null) !== (p.tokenId ?? null)
	)
		throw unknownUpload();
	return row;
}

/**
 * Announces an upload: raw `{purpose, refId, size, mime, name}`. The owning module's `authorize`
 * decides whether the caller may attach a file to `refId`. 201 with offset 0 and the chunk size.
 */
export async function createUpload(
	p: Principal,
	raw: unknown,
	authorize: UploadAuthorizer,
	now: Date = new Date()
): Promise<UploadView> {
	const owner = ownerOf(p);
	const input = parse(CreateUploadInput, raw);
	const purpose = UPLOAD_PURPOSES[input.purpose];
	if (!(purpose.mimes as readonly string[]).includes(input.mime))
		// a type of another purpose (a photo announced as an inspection video): the schema's refusal
		throw new AppError('invalid', 'invalid_input', 'upload.err.mime', { field: 'mime' });
	if (input.size > purpose.maxBytes) throw tooLarge(purpose.maxBytes, 'size');
	await authorize(p, input.purpose, input.refId, now, input.size);
	const [row] = await db()
		.insert(uploads)
		.values({
			purpose: input.purpose,
			refId: input.refId,
			...owner,
			name: input.name,
			mime: input.mime,
			size: input.size,
			createdAt: now,
			updatedAt: now,
			expiresAt: expiry(now)
		})
		.returning();
	return uploadView(row!);
}

/** Where an upload stands (HEAD / GET): its offset, length and, once complete, its key. */
export async function uploadStatus(p: Principal, id: unknown): Promise<UploadView> {
	return uploadView(await owned(p, id));
}

/** The Upload-Offset header as a byte count; 400 naming the header otherwise. */
export function parseOffset(header: string | null): number {
	if (header === null || !/^\d{1,15}$/.test(header))
		throw new AppError('invalid', 'invalid_input', 'upload.err.offset_header', {
			field: 'Upload-Offset'
		});
	return Number(header);
}

const contentRefused = () =>
	new AppError('rule', 'upload_content', 'upload.err.content', { field: 'body' });

function offsetMismatch(offset: number): AppError {
	return new AppError('conflict', 'offset_mismatch', 'upload.err.offset', {
		field: 'Upload-Offset',
		params: { offset },
		details: { offset }
	});
}

function closed(row: UploadRow): AppError {
	if (row.status === 'complete')
		return new AppError('conflict', 'upload_complete', 'upload.err.complete', {
			details: { offset: row.offset, key: row.key }
		});
	return new AppError('conflict', 'upload_closed', 'upload.err.closed', {
		params: { status: row.status },
		details: { status: row.status }
	});
}

/**
 * One chunk at `offsetHeader` (must equal the server's offset: 409 `offset_mismatch` with the
 * right one otherwise). The chunk that reaches the declared size completes the upload.
 */
export async function appendChunk(
	p: Principal,
	id: unknown,
	offsetHeader: string | null,
	bytes: Uint8Array,
	now: Date = new Date()
): Promise<UploadView> {
	const row = await owned(p, id);
	const offset = parseOffset(offsetHeader);
	if (row.status !== 'uploading') throw closed(row);
	if (offset !== row.offset) throw offsetMismatch(row.offset);
	if (bytes.byteLength > UPLOAD_CHUNK_BYTES) throw tooLarge(UPLOAD_CHUNK_BYTES, 'body');
	if (offset + bytes.byteLength > row.size)
		throw new AppError('rule', 'beyond_size', 'upload.err.beyond_size', {
			field: 'body',
			params: { size: row.size }
		});
	// Everything received but not joined (the joining request died): finish it now.
	if (bytes.byteLength === 0) return row.offset === row.size ? complete(row, now) : uploadView(row);
	// The first chunk shows what the file is: refuse a non-video before anything is stored (the
	// join sniffs again, for a first chunk too short to tell).
	if (
		offset === 0 &&
		(bytes.byteLength >= 12 || bytes.byteLength === row.size) &&
		!contentTypeOf(bytes.subarray(0, 16), row.mime)
	)
		throw contentRefused();

	const storage = mediaStorage();
	const part: UploadPart = {
		offset,
		size: bytes.byteLength,
		key: `uploads/${row.id}/${String(offset).padStart(15, '0')}-${randomBytes(6).toString('hex')}.part`
	};
	await storage.put(part.key, bytes, 'application/octet-stream');
	const [after] = await db()
		.update(uploads)
		.set({
			offset: sql`${uploads.offset} + ${bytes.byteLength}`,
			parts: sql`${uploads.parts} || ${JSON.stringify([part])}::jsonb`,
			updatedAt: now,
			expiresAt: expiry(now)
		})
		.where(and(eq(uploads.id, row.id), eq(uploads.offset, offset), eq(uploads.status, 'uploading')))
		.returning();
	if (!after) {
		// Another chunk for this offset got there first (a retry racing its original).
		await storage.delete(part.key).catch(() => {});
		const now2 = await owned(p, row.id);
		if (now2.status !== 'uploading') throw closed(now2);
		throw offsetMismatch(now2.offset);
	}
	return after.offset === after.size ? complete(after, now) : uploadView(after);
}

/** The parts joined in offset order, as one stream read part by part. */
function joined(parts: UploadPart[]): ReadableStream<Uint8Array> {
	const storage = mediaStorage();
	let i = 0;
	let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			for (;;) {
				if (!reader) {
					const part = parts[i++];
					if (!part) return controller.close();
					const got = await storage.get(part.key);
					if (!got) throw new Error(`upload part missing: ${part.key}`);
					reader = got.body.getReader();
				}
				const { done, value } = await reader.read();
				if (!done) return controller.enqueue(value);
				reader = null;
			}
		},
		async cancel() {
			await reader?.cancel().catch(() => {});
		}
	});
}

/** The first `n` bytes of the joined file. */
async function head(parts: UploadPart[], n: number): Promise<Uint8Array> {
	const out = new Uint8Array(n);
	let have = 0;
	const reader = joined(parts).getReader();
	while (have < n) {
		const { done, value } = await reader.read();
		if (done) break;
		const take = Math.min(value.byteLength, n - have);
		out.set(value.subarray(0, take), have);
		have += take;
	}
	await reader.cancel().catch(() => {});
	return out.subarray(0, have);
}

/** What the content is, from its first bytes: the stored type and extension, or null. */
export function videoTypeOf(
	first: Uint8Array,
	declared: string
): { mime: string; ext: string } | null {
	const sniffed = sniffMime(first);
	if (sniffed === 'video/webm')
		return declared === 'video/webm' ? { mime: sniffed, ext: 'webm' } : null;
	if (sniffed === 'video/mp4') {
		if (declared !== 'video/mp4' && declared !== 'video/quicktime') return null;
		// ISO base media: the major brand `qt  ` is QuickTime (.mov), anything else MP4.
		const brand = String.fromCharCode(...first.subarray(8, 12));
		return brand === 'qt  '
			? { mime: 'video/quicktime', ext: 'mov' }
			: { mime: 'video/mp4', ext: 'mp4' };
	}
	return null;
}

async function deleteParts(parts: UploadPart[]): Promise<void> {
	const storage = mediaStorage();
	await Promise.all(parts.map((x) => storage.delete(x.key).catch(() => {})));
}

/** Images and PDFs: the sniffed type must be the declared one. */
const STILL_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);

/** What the content is (video, image or PDF), from its first bytes; null when it is not that. */
export function contentTypeOf(
	first: Uint8Array,
	declared: string
): { mime: string; ext: string } | null {
	if (STILL_TYPES.has(declared)) {
		const sniffed = sniffMime(first);
		return sniffed === declared ? { mime: sniffed, ext: EXT_BY_MIME[sniffed] ?? 'bin' } : null;
	}
	return videoTypeOf(first, declared);
}

/** Joins a fully received upload into its final key (sniffed first), then drops the parts. */
async function complete(row: UploadRow, now: Date): Promise<UploadView> {
	const parts = [...row.parts].sort((a, b) => a.offset - b.offset);
	const type = contentTypeOf(await head(parts, 16), row.mime);
	if (!type) {
		const [gone] = await db()
			.update(uploads)
			.set({ status: 'rejected', updatedAt: now })
			.where(and(eq(uploads.id, row.id), eq(uploads.status, 'uploading')))
			.returning({ id: uploads.id });
		if (gone) await deleteParts(parts);
		throw contentRefused();
	}
	const purpose = UPLOAD_PURPOSES[row.purpose as UploadPurpose];
	const key = `${purpose.keyPrefix(row.refId)}/${row.id}.${type.ext}`;
	await putStream(mediaStorage(), key, joined(parts), type.mime);
	const [done] = await db()
		.update(uploads)
		.set({ status: 'complete', key, mime: type.mime, completedAt: now, updatedAt: now })
		.where(and(eq(uploads.id, row.id), eq(uploads.status, 'uploading')))
		.returning();
	if (!done) {
		// Joined twice at once (two requests finishing the same upload): the other one won.
		const [cur] = await db().select().from(uploads).where(eq(uploads.id, row.id));
		return uploadView(cur!);
	}
	await deleteParts(parts);
	return uploadView(done);
}

/**
 * For the module a file is attached to: the completed upload `id` of the caller's organisation
 * for `purpose` and `refId`, with its key. 404 for anything else (someone else's, another
 * order's); 422 `upload_incomplete` while chunks are missing.
 */
export async function completedUpload(
	p: Principal,
	id: unknown,
	want: { purpose: UploadPurpose; refId: string }
): Promise<{ id: string; key: string; url: string; mime: string; size: number; name: string }> {
	if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || !p.orgId) throw unknownUpload();
	const [row] = await db().select().from(uploads).where(eq(uploads.id, id.toLowerCase()));
	if (!row || row.orgId !== p.orgId || row.purpose !== want.purpose || row.refId !== want.refId)
		throw unknownUpload();
	if (row.status !== 'complete' || !row.key)
		throw new AppError('rule', 'upload_incomplete', 'upload.err.incomplete', {
			field: 'videoUploadId'
		});
	return {
		id: row.id,
		key: row.key,
		url: mediaStorage().url(row.key),
		mime: row.mime,
		size: row.size,
		name: row.name
	};
}

/**
 * The expiry job: incomplete uploads untouched for UPLOAD_EXPIRY_HOURS are marked expired (a
 * conditional update, so several nodes expire each once) and their parts deleted.
 */
export async function expireStaleUploads(
	now: Date = new Date(),
	limit = 100
): Promise<{ expired: number }> {
	const due = await db()
		.select({ id: uploads.id })
		.from(uploads)
		.where(and(eq(uploads.status, 'uploading'), lte(uploads.expiresAt, now)))
		.orderBy(asc(uploads.expiresAt))
		.limit(limit);
	let expired = 0;
	for (const { id } of due) {
		const [row] = await db()
			.update(uploads)
			.set({ status: 'expired', updatedAt: now })
			.where(and(eq(uploads.id, id), eq(uploads.status, 'uploading'), lte(uploads.expiresAt, now)))
			.returning();
		if (!row) continue;
		expired++;
		await deleteParts(row.parts);
	}
	if (expired > 0) logger().info({ expired }, 'stale uploads expired');
	return { expired };
}
