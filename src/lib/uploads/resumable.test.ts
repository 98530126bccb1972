import { describe, expect, it, vi } from 'vitest';
import { rememberKey, uploadResumable, UploadError } from './resumable';

// The client against an in-memory server speaking the same protocol as /api/v1/uploads
// (create → PATCH at the server's offset → HEAD to resume), with faults injected per request.

interface FakeUpload {
	id: string;
	size: number;
	bytes: number[];
	complete: boolean;
}

type Fault = (req: { method: string; url: string; offset: number | null }) =>
	| 'drop-before' // the request never reaches the server
	| 'drop-after' // the server applies it, the answer is lost
	| 'error-500'
	| null;

function fakeServer(opts: { chunkSize?: number; fault?: Fault } = {}) {
	const uploads = new Map<string, FakeUpload>();
	const log: string[] = [];
	let n = 0;
	const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
		new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json', ...headers }
		});
	const refuse = (status: number, code: string, extra: Record<string, unknown> = {}) =>
		json(status, { error: { code, message: code, ...extra } });

	async function handle(url: string, init: RequestInit): Promise<Response> {
		const method = init.method ?? 'GET';
		const headers = new Headers(init.headers);
		const id = url.split('/api/v1/uploads/')[1];
		if (method === 'POST') {
			const body = JSON.parse(String(init.body)) as { size: number };
			const u = { id: `u${++n}`, size: body.size, bytes: [], complete: false };
			uploads.set(u.id, u);
			return json(201, { upload: { id: u.id, offset: 0, chunkSize: opts.chunkSize ?? 1000 } });
		}
		const u = id ? uploads.get(id) : undefined;
		if (!u) return refuse(404, 'not_found');
		if (method === 'HEAD')
			return new Response(null, {
				status: 204,
				headers: { 'upload-offset': String(u.bytes.length), 'upload-length': String(u.size) }
			});
		if (method === 'PATCH') {
			if (u.complete) return refuse(409, 'upload_complete', { key: `k/${u.id}` });
			const offset = Number(headers.get('upload-offset'));
			if (offset !== u.bytes.length)
				return refuse(409, 'offset_mismatch', { offset: u.bytes.length });
			const chunk = new Uint8Array(await (init.body as Blob).arrayBuffer());
			if (chunk.byteLength > (opts.chunkSize ?? 1000)) return refuse(413, 'too_large');
			u.bytes.push(...chunk);
			if (u.bytes.length === u.size) {
				u.complete = true;
				return json(200, {
					upload: { id: u.id, offset: u.size, key: `k/${u.id}`, status: 'complete' }
				});
			}
			return new Response(null, {
				status: 204,
				headers: { 'upload-offset': String(u.bytes.length) }
			});
		}
		return refuse(405, 'method');
	}

	const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
		const url = String(input);
		const method = init.method ?? 'GET';
		if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
		const offset = new Headers(init.headers).get('upload-offset');
		log.push(`${method}${offset !== null ? ` ${offset}` : ''}`);
		const f = opts.fault?.({ method, url, offset: offset === null ? null : Number(offset) });
		if (f === 'drop-before') throw new TypeError('network error');
		if (f === 'error-500') return refuse(500, 'internal');
		const r = await handle(url, init);
		if (f === 'drop-after') throw new TypeError('network error');
		return r;
	}) as unknown as typeof globalThis.fetch;
	return { fetch, uploads, log };
}

function memoryStorage() {
	const m = new Map<string, string>();
	return {
		m,
		getItem: (k: string) => m.get(k) ?? null,
		setItem: (k: string, v: string) => void m.set(k, v),
		removeItem: (k: string) => void m.delete(k)
	};
}

const video = (size: number) => {
	const bytes = new Uint8Array(size);
	for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
	return new File([bytes], 'inspection.mp4', { type: 'video/mp4', lastModified: 1_700_000_000 });
};
const ORDER = '11111111-1111-4111-8111-111111111111';
const noSleep = async () => {};

async function sameBytes(file: File, got: number[]) {
	expect(got).toEqual([...new Uint8Array(await file.arrayBuffer())]);
}

describe('uploadResumable', () => {
	it('sends the file in chunks at the server offset and returns the key', async () => {
		const s = fakeServer({ chunkSize: 1000 });
		const storage = memoryStorage();
		const file = video(2500);
		const progress: number[] = [];
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage,
			onProgress: (sent) => progress.push(sent)
		});
		expect(r).toEqual({ uploadId: 'u1', key: 'k/u1' });
		expect(s.log).toEqual(['POST', 'PATCH 0', 'PATCH 1000', 'PATCH 2000']);
		expect(progress).toEqual([0, 1000, 2000, 2500]);
		await sameBytes(file, s.uploads.get('u1')!.bytes);
		// done: nothing left to resume
		expect(storage.m.size).toBe(0);
	});

	it('resumes after a reload: the remembered upload continues from the server offset', async () => {
		const s = fakeServer({ chunkSize: 1000 });
		const storage = memoryStorage();
		const file = video(3500);
		const ctl = new AbortController();
		const first = uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage,
			signal: ctl.signal,
			onProgress: (sent) => {
				if (sent >= 2000) ctl.abort();
			}
		});
		await expect(first).rejects.toMatchObject({ name: 'AbortError' });
		expect(JSON.parse(storage.m.get(rememberKey(file, 'inspection_video', ORDER))!)).toEqual({
			id: 'u1',
			chunkSize: 1000
		});
		s.log.length = 0;
		// "after the reload": a new call with the same file
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage
		});
		expect(r.uploadId).toBe('u1');
		expect(s.log).toEqual(['HEAD', 'PATCH 2000', 'PATCH 3000']);
		await sameBytes(file, s.uploads.get('u1')!.bytes);
	});

	it('after a dropped answer asks the server where it is and does not resend what landed', async () => {
		let dropped = false;
		const s = fakeServer({
			chunkSize: 1000,
			fault: ({ method, offset }) => {
				if (method === 'PATCH' && offset === 1000 && !dropped) {
					dropped = true;
					return 'drop-after';
				}
				return null;
			}
		});
		const sleep = vi.fn(noSleep);
		const file = video(2200);
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage: memoryStorage(),
			sleep
		});
		expect(r.key).toBe('k/u1');
		expect(s.log).toEqual(['POST', 'PATCH 0', 'PATCH 1000', 'HEAD', 'PATCH 2000']);
		expect(sleep).toHaveBeenCalledTimes(1);
		await sameBytes(file, s.uploads.get('u1')!.bytes);
	});

	it('retries a chunk that never arrived, and 5xx answers, with growing backoff', async () => {
		let faults = 0;
		const s = fakeServer({
			chunkSize: 1000,
			fault: ({ method, offset }) => {
				if (method === 'PATCH' && offset === 1000 && faults < 3) {
					faults++;
					return faults === 2 ? 'error-500' : 'drop-before';
				}
				return null;
			}
		});
		const delays: number[] = [];
		const file = video(1500);
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage: null,
			sleep: async (ms) => void delays.push(ms),
			backoffMs: (n) => 100 * 2 ** (n - 1)
		});
		expect(r.key).toBe('k/u1');
		expect(delays).toEqual([100, 200, 400]);
		await sameBytes(file, s.uploads.get('u1')!.bytes);
	});

	it('gives up after the retries while the network stays down', async () => {
		const s = fakeServer({
			fault: ({ method }) => (method === 'PATCH' ? 'drop-before' : null)
		});
		await expect(
			uploadResumable(video(10), {
				purpose: 'inspection_video',
				refId: ORDER,
				fetch: s.fetch,
				storage: null,
				sleep: noSleep,
				retries: 3
			})
		).rejects.toThrow(/network error/);
		expect(s.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(3);
	});

	it('follows the server when it says another offset (409 offset_mismatch)', async () => {
		const s = fakeServer({ chunkSize: 1000 });
		const storage = memoryStorage();
		const file = video(2000);
		// Another tab sent the first chunk of the same remembered upload already.
		await s.fetch('/api/v1/uploads', {
			method: 'POST',
			body: JSON.stringify({ size: 2000 })
		});
		storage.setItem(
			rememberKey(file, 'inspection_video', ORDER),
			JSON.stringify({ id: 'u1', chunkSize: 1000 })
		);
		s.uploads.get('u1')!.bytes.push(...new Uint8Array(await file.slice(0, 1000).arrayBuffer()));
		s.log.length = 0;
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage
		});
		expect(r.key).toBe('k/u1');
		expect(s.log).toEqual(['HEAD', 'PATCH 1000']);
		await sameBytes(file, s.uploads.get('u1')!.bytes);
	});

	it('starts over when the remembered upload is gone (expired: 404)', async () => {
		const s = fakeServer();
		const storage = memoryStorage();
		const file = video(10);
		storage.setItem(
			rememberKey(file, 'inspection_video', ORDER),
			JSON.stringify({ id: 'gone', chunkSize: 1000 })
		);
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage
		});
		expect(r.uploadId).toBe('u1');
		expect(s.log).toEqual(['HEAD', 'POST', 'PATCH 0']);
	});

	it('takes the key of an upload that finished while the answer was lost', async () => {
		const s = fakeServer({
			fault: ({ method, offset }) => (method === 'PATCH' && offset === 0 ? 'drop-after' : null)
		});
		const file = video(10);
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch: s.fetch,
			storage: null,
			sleep: noSleep
		});
		// HEAD says 10 of 10: an empty PATCH at the end gets upload_complete with the key
		expect(r).toEqual({ uploadId: 'u1', key: 'k/u1' });
		expect(s.log).toEqual(['POST', 'PATCH 0', 'HEAD', 'PATCH 10']);
	});

	it('does not retry a refusal and reports its code', async () => {
		const fetch = vi.fn(
			async () =>
				new Response(
					JSON.stringify({
						error: { code: 'too_large', message: 'Too large', field: 'size' }
					}),
					{ status: 413, headers: { 'content-type': 'application/json' } }
				)
		) as unknown as typeof globalThis.fetch;
		const err = await uploadResumable(video(10), {
			purpose: 'inspection_video',
			refId: ORDER,
			fetch,
			storage: null
		}).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(UploadError);
		expect(err).toMatchObject({ status: 413, code: 'too_large', field: 'size' });
		expect(fetch).toHaveBeenCalledTimes(1);
	});
});
