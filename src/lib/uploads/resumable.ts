// The browser side of resumable uploads (/api/v1/uploads, src/lib/server/uploads/): a large file
// (an inspection video from a phone) goes up in chunks at the server's offset. The upload's id is
// remembered in localStorage under the file's name, size and lastModified, so after a reload, a
// dropped connection or a closed tab the same file continues where the server stopped instead of
// starting over. Network errors and 5xx answers are retried with backoff, asking the server for
// its offset (HEAD) before going on.

export type UploadPurpose = 'inspection_video' | 'message_attachment' | 'dispute_evidence';

export interface ResumableOptions {
	purpose: UploadPurpose;
	/** What the file belongs to (the trade order id for an inspection video). */
	refId: string;
	/** Bytes the server has, of the total, after each chunk. */
	onProgress?: (sent: number, total: number) => void;
	/** Aborting stops after the chunk in flight; the upload stays resumable. */
	signal?: AbortSignal;
	/** Largest chunk to send (the server's chunkSize wins when smaller). */
	chunkSize?: number;
	/** Attempts per step before giving up on network errors / 5xx (default 8). */
	retries?: number;
	/** Delay before retry n (1-based); default 0.5 s doubling up to 15 s, with jitter. */
	backoffMs?: (attempt: number) => number;
	/** Where the API is (default: this origin). */
	baseUrl?: string;
	/** Injected in tests; default the global fetch and localStorage. */
	fetch?: typeof fetch;
	storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
	sleep?: (ms: number) => Promise<void>;
}

export interface ResumableResult {
	uploadId: string;
	key: string;
}

/** A refusal from the server (4xx): its code, message and field, never retried. */
export class UploadError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly field?: string
	) {
		super(message);
		this.name = 'UploadError';
	}
}

type FileLike = Blob & { name: string; lastModified?: number };

interface ErrorBody {
	error?: { code?: string; message?: string; field?: string; offset?: number; key?: string };
}

/** The localStorage key remembering a file's upload. */
export function rememberKey(file: FileLike, purpose: string, refId: string): string {
	return `lotlive.upload:${purpose}:${refId}:${file.name}:${file.size}:${file.lastModified ?? 0}`;
}

const defaultBackoff = (attempt: number) =>
	Math.min(15_000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);

function abortError(): Error {
	return new DOMException('The upload was aborted', 'AbortError');
}

function browserStorage(): ResumableOptions['storage'] {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // storage disabled (private mode): still uploads, just not across reloads
	}
}

/** A remembered upload: `{id, chunkSize}` as stored, or null when unreadable. */
function recall(raw: string | null): { id: string; chunkSize: number } | null {
	if (!raw) return null;
	try {
		const v = JSON.parse(raw) as { id?: unknown; chunkSize?: unknown };
		if (typeof v.id === 'string' && typeof v.chunkSize === 'number' && v.chunkSize > 0)
			return { id: v.id, chunkSize: v.chunkSize };
	} catch {
		// not ours
	}
	return null;
}

/** Whether a failure is worth retrying: the network, or the server's 5xx / 429. */
class Retryable extends Error {}

/**
 * Uploads `file` for `purpose`/`refId`, resuming a previous attempt of the same file; resolves
 * with the upload's id and the storage key of the finished file.
 */
export async function uploadResumable(
	file: FileLike,
	opts: ResumableOptions
): Promise<ResumableResult> {
	const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
	const store = opts.storage === undefined ? browserStorage() : opts.storage;
	const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const backoff = opts.backoffMs ?? defaultBackoff;
	const retries = opts.retries ?? 8;
	const base = `${opts.baseUrl ?? ''}/api/v1/uploads`;
	const remember = rememberKey(file, opts.purpose, opts.refId);
	const total = file.size;

	const checkAbort = () => {
		if (opts.signal?.aborted) throw abortError();
	};

	async function send(url: string, init: RequestInit): Promise<Response> {
		checkAbort();
		let r: Response;
		try {
			r = await doFetch(url, { ...init, signal: opts.signal, credentials: 'same-origin' });
		} catch (e) {
			if (opts.signal?.aborted) throw abortError();
			throw new Retryable(e instanceof Error ? e.message : String(e));
		}
		if (r.status >= 500 || r.status === 429) throw new Retryable(`HTTP ${r.status}`);
		return r;
	}

	/** Runs `step`, retrying Retryable failures with backoff. */
	async function retrying<T>(step: () => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await step();
			} catch (e) {
				if (!(e instanceof Retryable) || attempt >= retries) throw e;
				checkAbort();
				await sleep(backoff(attempt));
			}
		}
	}

	async function refusal(r: Response): Promise<UploadError> {
		const body = (await r.json().catch(() => ({}))) as ErrorBody;
		return new UploadError(
			r.status,
			body.error?.code ?? `http_${r.status}`,
			body.error?.message ?? `HTTP ${r.status}`,
			body.error?.field
		);
	}

	/** The server's offset of a remembered upload, or null when it is gone (404). */
	async function serverOffset(id: string): Promise<number | null> {
		const r = await send(`${base}/${id}`, { method: 'HEAD', cache: 'no-store' });
		if (r.status === 404) return null;
		if (!r.ok) throw await refusal(r);
		const n = Number(r.headers.get('upload-offset'));
		if (!Number.isSafeInteger(n) || n < 0) throw new Retryable('no Upload-Offset');
		return n;
	}

	async function create(): Promise<{ id: string; chunkSize: number }> {
		const r = await send(base, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				purpose: opts.purpose,
				refId: opts.refId,
				size: total,
				mime: file.type || 'video/mp4',
				name: file.name || 'video'
			})
		});
		if (r.status !== 201) throw await refusal(r);
		const { upload } = (await r.json()) as { upload: { id: string; chunkSize: number } };
		return upload;
	}

	// 1. The remembered upload of this file, or a new one.
	const saved = recall(store?.getItem(remember) ?? null);
	let id = saved?.id ?? null;
	let offset = 0;
	let serverChunk = saved?.chunkSize ?? 5 * 1024 * 1024;
	if (id) {
		const known = await retrying(() => serverOffset(id!));
		if (known === null) id = null;
		else offset = known;
	}
	if (!id) {
		const created = await retrying(create);
		id = created.id;
		serverChunk = Math.min(serverChunk, created.chunkSize);
		offset = 0;
		try {
			store?.setItem(remember, JSON.stringify({ id, chunkSize: created.chunkSize }));
		} catch {
			// quota: the upload still works, it just will not survive a reload
		}
	}
	const uploadId = id;
	const chunk = Math.max(1, Math.min(serverChunk, opts.chunkSize ?? serverChunk));
	opts.onProgress?.(offset, total);

	// 2. Chunks from the server's offset; the last one (or an empty one at the end) completes.
	for (;;) {
		checkAbort();
		const outcome = await retrying(async () => {
			const end = Math.min(total, offset + chunk);
			const r = await send(`${base}/${uploadId}`, {
				method: 'PATCH',
				headers: {
					'content-type': 'application/offset+octet-stream',
					'upload-offset': String(offset)
				},
				body: file.slice(offset, end)
			}).catch(async (e) => {
				// The chunk may have landed before the connection dropped: ask where we are.
				if (e instanceof Retryable) {
					const at = await serverOffset(uploadId).catch(() => null);
					if (at !== null) offset = at;
				}
				throw e;
			});
			if (r.status === 204) {
				return { offset: Number(r.headers.get('upload-offset')), key: null };
			}
			if (r.status === 200) {
				const { upload } = (await r.json()) as { upload: { key: string; offset: number } };
				return { offset: upload.offset, key: upload.key };
			}
			const body = (await r.json().catch(() => ({}))) as ErrorBody;
			if (r.status === 409 && body.error?.code === 'offset_mismatch')
				return { offset: Number(body.error.offset), key: null };
			if (r.status === 409 && body.error?.code === 'upload_complete' && body.error.key)
				return { offset: total, key: body.error.key };
			if (r.status === 404 || (r.status === 409 && body.error?.code === 'upload_closed'))
				store?.removeItem(remember);
			throw new UploadError(
				r.status,
				body.error?.code ?? `http_${r.status}`,
				body.error?.message ?? `HTTP ${r.status}`,
				body.error?.field
			);
		});
		if (!Number.isSafeInteger(outcome.offset) || outcome.offset < 0 || outcome.offset > total)
			throw new UploadError(502, 'bad_offset', 'The server answered an impossible offset');
		offset = outcome.offset;
		opts.onProgress?.(offset, total);
		if (outcome.key) {
			store?.removeItem(remember);
			return { uploadId, key: outcome.key };
		}
	}
}
