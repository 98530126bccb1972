// Resumable uploads (src/lib/server/uploads/, /api/v1/uploads): chunks at the server's offset,
// out-of-order chunks refused with the right offset, resume after an interruption (the browser
// client against the real server, with a dropped connection), size and type limits, the content
// sniffed on completion, other organisations' uploads invisible, the finished file in the media
// storage under trade/<order>/, and stale uploads expired by the job.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { tradeCheckouts, tradeOrders, uploads } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import {
	appendChunk,
	completedUpload,
	createUpload,
	expireStaleUploads,
	UPLOAD_CHUNK_BYTES
} from '../../src/lib/server/uploads';
import { authorizeTradeUpload } from '../../src/lib/server/trade/attachments';
import { uploadResumable } from '../../src/lib/uploads/resumable';
import { startAppServer } from '../helpers/app-server';
import { makeUser } from '../helpers/users';

let app: Awaited<ReturnType<typeof startAppServer>>;
let mediaDir = '';
let buyer: Awaited<ReturnType<typeof makeUser>>;
let otherBuyer: Awaited<ReturnType<typeof makeUser>>;
let supplier: Awaited<ReturnType<typeof makeUser>>;
/** The buyer's order, arrived (inspection video allowed). */
let orderId = '';
/** The buyer's order, only paid (no video yet). */
let paidOrderId = '';

const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

async function makeOrder(state: 'arrived' | 'paid' | 'inspecting'): Promise<string> {
	const [c] = await db()
		.insert(tradeCheckouts)
		.values({
			buyerOrgId: buyer.orgId!,
			idempotencyKey: `k-${Math.random()}`,
			requestHash: 'h'
		})
		.returning();
	const [o] = await db()
		.insert(tradeOrders)
		.values({
			checkoutId: c!.id,
			buyerOrgId: buyer.orgId!,
			supplierId: supplier.orgId!,
			warehouseProvince: '广东省',
			warehouseCity: '广州市',
			shipTo: SHIP_TO,
			state,
			goodsFen: 100_000,
			freightFen: 0,
			freightMarketFen: 0,
			totalFen: 100_000,
			feeBp: 300
		})
		.returning();
	return o!.id;
}

/** A small "MP4": an ftyp box (isom brand), then filler. */
function mp4(size: number, brand = 'isom'): Uint8Array<ArrayBuffer> {
	const b = new Uint8Array(size);
	b.set([0, 0, 0, 0x18], 0);
	b.set(
		[...'ftyp'].map((c) => c.charCodeAt(0)),
		4
	);
	b.set(
		[...brand].map((c) => c.charCodeAt(0)),
		8
	);
	for (let i = 12; i < size; i++) b[i] = (i * 13 + 5) % 256;
	return b;
}

const cookieOf = (token: string) => `lotlive_session=${token}`;

function as(user: { token: string }) {
	const headers = (extra: Record<string, string> = {}) => ({
		cookie: cookieOf(user.token),
		origin: app.url,
		'accept-language': 'en',
		...extra
	});
	return {
		create: (body: unknown) =>
			fetch(`${app.url}/api/v1/uploads`, {
				method: 'POST',
				headers: headers({ 'content-type': 'application/json' }),
				body: JSON.stringify(body)
			}),
		head: (id: string) =>
			fetch(`${app.url}/api/v1/uploads/${id}`, { method: 'HEAD', headers: headers() }),
		get: (id: string) => fetch(`${app.url}/api/v1/uploads/${id}`, { headers: headers() }),
		patch: (
			id: string,
			offset: number | string,
			bytes: Uint8Array<ArrayBuffer>,
			type = 'application/offset+octet-stream'
		) =>
			fetch(`${app.url}/api/v1/uploads/${id}`, {
				method: 'PATCH',
				headers: headers({ 'content-type': type, 'upload-offset': String(offset) }),
				body: bytes
			})
	};
}

const videoInput = (size: number, over: Record<string, unknown> = {}) => ({
	purpose: 'inspection_video',
	refId: orderId,
	size,
	mime: 'video/mp4',
	name: 'inspection.mp4',
	...over
});

beforeAll(async () => {
	mediaDir = await mkdtemp(path.join(os.tmpdir(), 'lotlive-uploads-'));
	setMediaStorage(localDiskStorage(mediaDir));
	buyer = await makeUser('buyer');
	otherBuyer = await makeUser('buyer');
	supplier = await makeUser('supplier_staff');
	orderId = await makeOrder('arrived');
	paidOrderId = await makeOrder('paid');
	app = await startAppServer();
}, 180_000);

afterAll(async () => {
	await app?.close();
	setMediaStorage(undefined);
	await rm(mediaDir, { recursive: true, force: true });
});

describe('resumable upload over HTTP', () => {
	it('takes chunks at the server offset, refuses others with the right one, and completes into storage', async () => {
		const api = as(buyer);
		const file = mp4(3000);
		const created = await api.create(videoInput(file.byteLength));
		expect(created.status).toBe(201);
		const { upload } = (await created.json()) as {
			upload: { id: string; offset: number; chunkSize: number };
		};
		expect(upload.offset).toBe(0);
		expect(upload.chunkSize).toBe(UPLOAD_CHUNK_BYTES);
		expect(created.headers.get('location')).toBe(`/api/v1/uploads/${upload.id}`);

		const first = await api.patch(upload.id, 0, file.subarray(0, 1000));
		expect(first.status).toBe(204);
		expect(first.headers.get('upload-offset')).toBe('1000');

		// the same chunk again (a retry whose answer was lost): 409 with where to go on
		const again = await api.patch(upload.id, 0, file.subarray(0, 1000));
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({
			error: { code: 'offset_mismatch', field: 'Upload-Offset', offset: 1000 }
		});
		// a chunk from the future: also refused, nothing stored
		const ahead = await api.patch(upload.id, 2000, file.subarray(2000));
		expect(ahead.status).toBe(409);

		const head = await api.head(upload.id);
		expect(head.status).toBe(204);
		expect(head.headers.get('upload-offset')).toBe('1000');
		expect(head.headers.get('upload-length')).toBe('3000');

		expect((await api.patch(upload.id, 1000, file.subarray(1000, 2000))).status).toBe(204);
		const last = await api.patch(upload.id, 2000, file.subarray(2000));
		expect(last.status).toBe(200);
		const done = ((await last.json()) as { upload: { status: string; key: string; url: string } })
			.upload;
		expect(done.status).toBe('complete');
		expect(done.key).toBe(`trade/${orderId}/${upload.id}.mp4`);
		expect(done.url).toBe(`/media/${done.key}`);
		const stored = await readFile(path.join(mediaDir, ...done.key.split('/')));
		expect(Buffer.compare(stored, Buffer.from(file))).toBe(0);
		// the parts are gone once joined
		const partsDir = await readdir(path.join(mediaDir, 'uploads', upload.id)).catch(() => []);
		expect(partsDir).toEqual([]);

		// complete: more chunks are refused, naming the key
		const more = await api.patch(upload.id, 3000, new Uint8Array(0));
		expect(more.status).toBe(409);
		expect(await more.json()).toMatchObject({ error: { code: 'upload_complete', key: done.key } });
		// and the trade module resolves it for the inspection
		await expect(
			completedUpload(buyer.principal, upload.id, { purpose: 'inspection_video', refId: orderId })
		).resolves.toMatchObject({ key: done.key, mime: 'video/mp4', size: 3000 });
	});

	it('resumes after an interruption: the browser client, a dropped connection, a reload', async () => {
		const file = new File([mp4(2500, 'qt  ')], 'clip.mov', {
			type: 'video/quicktime',
			lastModified: 1_764_000_000_000
		});
		const store = new Map<string, string>();
		const storage = {
			getItem: (k: string) => store.get(k) ?? null,
			setItem: (k: string, v: string) => void store.set(k, v),
			removeItem: (k: string) => void store.delete(k)
		};
		const cookie = cookieOf(buyer.token);
		let patches = 0;
		const realFetch: typeof fetch = (input, init) => {
			const h = new Headers(init?.headers);
			h.set('cookie', cookie);
			h.set('origin', app.url);
			return fetch(input, { ...init, headers: h });
		};
		// first attempt: the connection drops for good after the first chunk reached the server
		const flaky: typeof fetch = async (input, init) => {
			if (init?.method === 'PATCH' && ++patches >= 2) throw new TypeError('network down');
			return realFetch(input, init);
		};
		await expect(
			uploadResumable(file, {
				purpose: 'inspection_video',
				refId: orderId,
				baseUrl: app.url,
				chunkSize: 1000,
				fetch: flaky,
				storage,
				retries: 2,
				sleep: async () => {}
			})
		).rejects.toThrow(/network down/);
		const remembered = [...store.values()];
		expect(remembered).toHaveLength(1);
		const { id } = JSON.parse(remembered[0]!) as { id: string };
		const [mid] = await db().select().from(uploads).where(eq(uploads.id, id));
		expect(mid!.offset).toBe(1000);

		// "after the reload": the same file, the network back
		const seen: string[] = [];
		const r = await uploadResumable(file, {
			purpose: 'inspection_video',
			refId: orderId,
			baseUrl: app.url,
			chunkSize: 1000,
			fetch: (input, init) => {
				seen.push(
					`${init?.method ?? 'GET'} ${new Headers(init?.headers).get('upload-offset') ?? ''}`.trim()
				);
				return realFetch(input, init);
			},
			storage
		});
		expect(r.uploadId).toBe(id);
		expect(seen).toEqual(['HEAD', 'PATCH 1000', 'PATCH 2000']);
		expect(r.key).toBe(`trade/${orderId}/${id}.mov`);
		const stored = await readFile(path.join(mediaDir, ...r.key.split('/')));
		expect(Buffer.compare(stored, Buffer.from(await file.arrayBuffer()))).toBe(0);
		expect(store.size).toBe(0);
	});

	it('refuses a file over the size limit, a chunk over the chunk size, and other types', async () => {
		const api = as(buyer);
		const big = await api.create(videoInput(500 * 1024 * 1024 + 1));
		expect(big.status).toBe(413);
		expect(await big.json()).toMatchObject({ error: { code: 'too_large', field: 'size' } });

		const png = await api.create(videoInput(100, { mime: 'image/png' }));
		expect(png.status).toBe(400);
		expect(await png.json()).toMatchObject({ error: { code: 'invalid_input', field: 'mime' } });

		const { upload } = (await (await api.create(videoInput(UPLOAD_CHUNK_BYTES + 10))).json()) as {
			upload: { id: string };
		};
		const huge = await api.patch(upload.id, 0, new Uint8Array(UPLOAD_CHUNK_BYTES + 1));
		expect(huge.status).toBe(413);
		expect(await huge.json()).toMatchObject({ error: { code: 'too_large', field: 'body' } });
		expect((await api.patch(upload.id, 0, mp4(15))).status).toBe(204);

		const small = (await (await api.create(videoInput(20))).json()) as { upload: { id: string } };
		expect((await api.patch(small.upload.id, 0, mp4(15))).status).toBe(204);
		const beyond = await api.patch(small.upload.id, 15, new Uint8Array(10));
		expect(beyond.status).toBe(422);
		expect(await beyond.json()).toMatchObject({ error: { code: 'beyond_size' } });

		const wrongType = await api.patch(upload.id, 15, new Uint8Array(1), 'text/plain');
		expect(wrongType.status).toBe(400);
		const badOffset = await api.patch(upload.id, '-1', new Uint8Array(1));
		expect(badOffset.status).toBe(400);
		expect(await badOffset.json()).toMatchObject({ error: { field: 'Upload-Offset' } });
	});

	it('sniffs the content: a PNG declared as MP4 is refused at its first chunk, nothing stored', async () => {
		const api = as(buyer);
		const png = new Uint8Array(64);
		png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const { upload } = (await (await api.create(videoInput(6400))).json()) as {
			upload: { id: string };
		};
		const r = await api.patch(upload.id, 0, png);
		expect(r.status).toBe(422);
		expect(await r.json()).toMatchObject({ error: { code: 'upload_content', field: 'body' } });
		const [row] = await db().select().from(uploads).where(eq(uploads.id, upload.id));
		expect(row).toMatchObject({ status: 'uploading', offset: 0, parts: [] });
		expect(await readdir(path.join(mediaDir, 'uploads', upload.id)).catch(() => [])).toEqual([]);
		// a WebM declared as MP4 is no better
		const webm = new Uint8Array(16);
		webm.set([0x1a, 0x45, 0xdf, 0xa3]);
		expect((await api.patch(upload.id, 0, webm)).status).toBe(422);
	});

	it('sniffs again on joining: a first chunk too short to tell, then not a video → rejected', async () => {
		const api = as(buyer);
		const { upload } = (await (await api.create(videoInput(64))).json()) as {
			upload: { id: string };
		};
		expect((await api.patch(upload.id, 0, new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).status).toBe(
			204
		);
		const r = await api.patch(upload.id, 4, new Uint8Array(60));
		expect(r.status).toBe(422);
		expect(await r.json()).toMatchObject({ error: { code: 'upload_content' } });
		const [row] = await db().select().from(uploads).where(eq(uploads.id, upload.id));
		expect(row!.status).toBe('rejected');
		expect(row!.key).toBeNull();
		expect(await readdir(path.join(mediaDir, 'uploads', upload.id)).catch(() => [])).toEqual([]);
		const after = await api.patch(upload.id, 64, new Uint8Array(0));
		expect(after.status).toBe(409);
		expect(await after.json()).toMatchObject({ error: { code: 'upload_closed' } });
	});

	it('hides an upload from everyone but its owner (404), and only the order’s buyer may start one', async () => {
		const api = as(buyer);
		const { upload } = (await (await api.create(videoInput(100))).json()) as {
			upload: { id: string };
		};
		for (const who of [otherBuyer, supplier]) {
			const other = as(who);
			expect((await other.head(upload.id)).status).toBe(404);
			expect((await other.get(upload.id)).status).toBe(404);
			const p = await other.patch(upload.id, 0, mp4(100));
			expect(p.status).toBe(404);
			expect(await p.json()).toMatchObject({ error: { code: 'not_found' } });
			// nor may they start one for the buyer's order: another buyer does not see it, its
			// supplier is on the wrong side
			const c = await other.create(videoInput(100));
			expect(c.status).toBe(who === supplier ? 403 : 404);
		}
		const [row] = await db().select().from(uploads).where(eq(uploads.id, upload.id));
		expect(row!.offset).toBe(0);
		// an unknown order, and the buyer's own order before arrival
		expect((await api.create(videoInput(100, { refId: crypto.randomUUID() }))).status).toBe(404);
		const early = await api.create(videoInput(100, { refId: paidOrderId }));
		expect(early.status).toBe(409);
		expect(await early.json()).toMatchObject({ error: { code: 'trade_state' } });
		// no one signed in
		const anon = await fetch(`${app.url}/api/v1/uploads/${upload.id}`, { method: 'HEAD' });
		expect(anon.status).toBe(401);
	});

	it('works with a buyer organisation’s API token (buyers’ own systems)', async () => {
		const { token } = await createApiToken(buyer.principal, { name: 'erp' });
		const me = await fetch(`${app.url}/api/v1/me`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(await me.json()).toMatchObject({ kind: 'token', orgKind: 'buyer' });
		const r = await fetch(`${app.url}/api/v1/uploads`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify(videoInput(16))
		});
		expect(r.status).toBe(201);
		const { upload } = (await r.json()) as { upload: { id: string } };
		// the token's upload is the token's: the person's session does not see it
		expect((await as(buyer).head(upload.id)).status).toBe(404);
		const done = await fetch(`${app.url}/api/v1/uploads/${upload.id}`, {
			method: 'PATCH',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/offset+octet-stream',
				'upload-offset': '0'
			},
			body: mp4(16)
		});
		expect(done.status).toBe(200);
	});
});

describe('uploads service', () => {
	it('lets one of two racing chunks at the same offset land', async () => {
		const u = await createUpload(buyer.principal, videoInput(2000), authorizeTradeUpload);
		const file = mp4(2000);
		const results = await Promise.allSettled([
			appendChunk(buyer.principal, u.id, '0', file.subarray(0, 1000)),
			appendChunk(buyer.principal, u.id, '0', file.subarray(0, 1000))
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toBeInstanceOf(AppError);
		expect((refused.reason as AppError).code).toBe('offset_mismatch');
		const [row] = await db().select().from(uploads).where(eq(uploads.id, u.id));
		expect(row!.offset).toBe(1000);
		expect(row!.parts).toHaveLength(1);
		// the loser's part was deleted: one file on disk
		expect(await readdir(path.join(mediaDir, 'uploads', u.id))).toHaveLength(1);
	});

	it('refuses to hand an unfinished or foreign upload to the inspection', async () => {
		const u = await createUpload(buyer.principal, videoInput(100), authorizeTradeUpload);
		await expect(
			completedUpload(buyer.principal, u.id, { purpose: 'inspection_video', refId: orderId })
		).rejects.toMatchObject({ code: 'upload_incomplete', status: 422 });
		await expect(
			completedUpload(otherBuyer.principal, u.id, { purpose: 'inspection_video', refId: orderId })
		).rejects.toMatchObject({ code: 'not_found', status: 404 });
		await expect(
			completedUpload(buyer.principal, u.id, { purpose: 'inspection_video', refId: paidOrderId })
		).rejects.toMatchObject({ code: 'not_found' });
	});

	it('expires incomplete uploads after 24 h of silence and deletes their parts', async () => {
		const t0 = new Date('2026-12-01T08:00:00Z');
		const u = await createUpload(buyer.principal, videoInput(2000), authorizeTradeUpload, t0);
		await appendChunk(buyer.principal, u.id, '0', mp4(2000).subarray(0, 500), t0);
		// a chunk 20 h later moves the expiry on
		const t1 = new Date(t0.getTime() + 20 * 3_600_000);
		await appendChunk(buyer.principal, u.id, '500', mp4(2000).subarray(500, 1000), t1);
		await expireStaleUploads(new Date(t0.getTime() + 25 * 3_600_000));
		const [still] = await db().select().from(uploads).where(eq(uploads.id, u.id));
		expect(still!.status).toBe('uploading');

		const late = new Date(t1.getTime() + 24 * 3_600_000);
		const r = await expireStaleUploads(late);
		expect(r.expired).toBeGreaterThanOrEqual(1);
		const [row] = await db().select().from(uploads).where(eq(uploads.id, u.id));
		expect(row!.status).toBe('expired');
		expect(await readdir(path.join(mediaDir, 'uploads', u.id)).catch(() => [])).toEqual([]);
		// a second run (another node) finds nothing more to do for it
		await expireStaleUploads(late);
		await expect(appendChunk(buyer.principal, u.id, '1000', mp4(16), late)).rejects.toMatchObject({
			code: 'upload_closed',
			status: 409
		});
	});
});
