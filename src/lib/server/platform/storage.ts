import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { env } from '../env';

/**
 * Where uploaded media lives. The catalog only talks to this interface, so an object store
 * (S3, OSS) can replace the local disk without touching the service.
 */
export interface MediaStorage {
	put(key: string, bytes: Uint8Array, mime: string): Promise<void>;
	/**
	 * Stores a stream without holding it in memory (a large video joined from its parts). Optional:
	 * `putStream()` below falls back to buffering for a storage without it.
	 */
	putStream?(key: string, body: ReadableStream<Uint8Array>, mime: string): Promise<void>;
	/** The bytes as a web stream and their size; null when the key is unknown. */
	get(key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
	delete(key: string): Promise<void>;
	/** The URL a browser fetches it from (through the access-checking /media route). */
	url(key: string): string;
}

/** Keys are relative paths of safe segments: lots/<uuid>/<random>.webp */
const KEY = /^[a-z0-9_-]+(\/[a-zA-Z0-9_.-]+)+$/;
export function assertKey(key: string): void {
	if (!KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..'))
		throw new Error(`Unsafe media key: ${key}`);
}

export const mediaUrl = (key: string) => `/media/${key}`;

/** Files under a directory (default `${DATA_DIR}/media`); writes go through a temp file + rename. */
export function localDiskStorage(root: string): MediaStorage {
	const file = (key: string) => {
		assertKey(key);
		return path.join(root, ...key.split('/'));
	};
	return {
		async put(key, bytes) {
			const f = file(key);
			await mkdir(path.dirname(f), { recursive: true });
			const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
			await writeFile(tmp, bytes);
			await rename(tmp, f);
		},
		async putStream(key, body) {
			const f = file(key);
			await mkdir(path.dirname(f), { recursive: true });
			const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
			try {
				await pipeline(
					Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
					createWriteStream(tmp)
				);
				await rename(tmp, f);
			} catch (e) {
				await rm(tmp, { force: true });
				throw e;
			}
		},
		async get(key) {
			const f = file(key);
			try {
				const s = await stat(f);
				if (!s.isFile()) return null;
				const body = Readable.toWeb(createReadStream(f)) as ReadableStream<Uint8Array>;
				return { body, size: s.size };
			} catch {
				return null;
			}
		},
		async delete(key) {
			await rm(file(key), { force: true });
		},
		url: mediaUrl
	};
}

/** Stores a stream through `s`: streamed where the storage can, else buffered and put. */
export async function putStream(
	s: MediaStorage,
	key: string,
	body: ReadableStream<Uint8Array>,
	mime: string
): Promise<void> {
	if (s.putStream) return s.putStream(key, body, mime);
	const bytes = new Uint8Array(await new Response(body).arrayBuffer());
	await s.put(key, bytes, mime);
}

const key = Symbol.for('lotlive.mediaStorage');
type G = typeof globalThis & { [key]?: MediaStorage };

export function mediaStorage(): MediaStorage {
	const g = globalThis as G;
	return (g[key] ??= localDiskStorage(path.resolve(env().DATA_DIR, 'media')));
}

/** Installs another storage (tests, an object-store adapter). */
export function setMediaStorage(s: MediaStorage | undefined): void {
	(globalThis as G)[key] = s;
}

/** What a file's first bytes say it is; uploads are typed by content, never by their name. */
export function sniffMime(b: Uint8Array): string | null {
	const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
	if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
	if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
	if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm';
	if (at(4, 0x66, 0x74, 0x79, 0x70)) return 'video/mp4';
	if (at(0, 0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
	return null;
}

export const EXT_BY_MIME: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'video/webm': 'webm',
	'video/mp4': 'mp4',
	'application/pdf': 'pdf'
};
