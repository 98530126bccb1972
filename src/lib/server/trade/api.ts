// What the /api/v1/trade routes read from a request besides JSON bodies: the checkout's
// Idempotency-Key header, the order list's query, the cart's query and an inspection photo's
// bytes. Validation only (the services check everything else); routes stay one call deep.
import { TRADE_ORDER_STATES, type TradeOrderState } from '$lib/domain/trade/order-state';
import { AppError, parse } from '../errors';
import { parseJsonText } from '../http';
import { isoDateTime, z } from '../validation';
import { readBodyLimited, tooLarge } from '../uploads/body';

/** Visible ASCII (no space, no control characters), 1–128: a UUID, a ULID, a client's own id. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The checkout's `Idempotency-Key` header, required: a repeated key answers with the orders it
 * made the first time. Missing or malformed → 400 naming the header.
 */
export function idempotencyKeyOf(headers: Headers): string {
	const key = headers.get('idempotency-key');
	if (key === null || !IDEMPOTENCY_KEY.test(key)) {
		throw new AppError('invalid', 'invalid_input', 'trade.err.idempotency_header', {
			field: 'Idempotency-Key'
		});
	}
	return key;
}

/** `?state=` of the order list: one state, or `open` / `closed`. */
export const ORDER_LIST_STATES = [...TRADE_ORDER_STATES, 'open', 'closed'] as const;

export const OrderListQuery = z
	.object({
		state: z.enum(ORDER_LIST_STATES, { error: 'v.choice' }).optional(),
		/** Orders created before this instant (the previous page's last `createdAt`). */
		before: isoDateTime().optional(),
		limit: z.coerce
			.number({ error: 'v.integer' })
			.int({ error: 'v.integer' })
			.min(1)
			.max(200)
			.optional()
	})
	.strict();

/** The order list's query string as the list service takes it (unknown parameters refused). */
export function orderListQuery(url: URL): {
	state?: TradeOrderState | 'open' | 'closed';
	before?: string;
	limit?: number;
} {
	const q = parse(OrderListQuery, Object.fromEntries(url.searchParams));
	return {
		...(q.state ? { state: q.state } : {}),
		...(q.before ? { before: q.before.toISOString() } : {}),
		...(q.limit !== undefined ? { limit: q.limit } : {})
	};
}

export const CartQuery = z
	.object({
		/** Province freight is quoted to (default: the buyer's last ship-to). */
		destProvince: z.string().trim().min(1).max(40).optional(),
		/** DELETE /cart?lotId=: the line to remove. */
		lotId: z.uuid({ error: 'input.err.id' }).optional()
	})
	.strict();

export function cartQuery(url: URL): { destProvince?: string; lotId?: string } {
	const q = parse(CartQuery, Object.fromEntries(url.searchParams));
	return {
		...(q.destProvince ? { destProvince: q.destProvince } : {}),
		...(q.lotId ? { lotId: q.lotId } : {})
	};
}

/** The largest inspection photo accepted (bytes); a phone's JPEG is 2–6 MB. */
export const INSPECTION_PHOTO_MAX_BYTES = 12 * 1024 * 1024;

/**
 * An inspection photo: a multipart `file` field or the raw image as the body. Bigger than
 * INSPECTION_PHOTO_MAX_BYTES → 413 `too_large` before the body is read to its end;
 * empty → 400. The service sniffs the type (JPEG/PNG/WebP) from the bytes.
 */
export async function readPhoto(request: Request): Promise<Uint8Array> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const max = INSPECTION_PHOTO_MAX_BYTES;
	if (type.startsWith('multipart/form-data')) {
		// A multipart body carries a little more than the file (boundaries, headers).
		const bytes = await readBodyLimited(request, max + 64 * 1024, 'file');
		let form: FormData;
		try {
			form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
		} catch {
			throw new AppError('invalid', 'invalid_input', 'upload.err.unreadable', { field: 'file' });
		}
		const f = form.get('file');
		if (!(f instanceof File) || f.size === 0)
			throw new AppError('invalid', 'invalid_input', 'upload.err.unreadable', { field: 'file' });
		if (f.size > max) throw tooLarge(max, 'file');
		return new Uint8Array(await f.arrayBuffer());
	}
	const bytes = await readBodyLimited(request, max, 'body');
	if (bytes.byteLength === 0)
		throw new AppError('invalid', 'invalid_input', 'upload.err.unreadable', { field: 'body' });
	return bytes;
}

/**
 * The inspection POST's body: undefined when there is none (start the inspection), else the
 * JSON value (record results). A body that is not JSON is a 400 naming the body.
 */
export async function inspectionBody(request: Request): Promise<unknown> {
	const text = await request.text();
	if (text.trim() === '') return undefined;
	if (!(request.headers.get('content-type') ?? '').includes('application/json'))
		throw new AppError('invalid', 'invalid_input', 'err.json_expected', { field: 'body' });
	return parseJsonText(text);
}

/**
 * The carrier push's body as carrierDelivered takes it: a urlencoded form as its text, JSON as
 * its value; anything else is a 400 naming the body. At most 256 KB (413).
 */
export async function carrierPushBody(request: Request): Promise<unknown> {
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
	if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json')
		throw new AppError('invalid', 'invalid_input', 'err.json_expected', { field: 'body' });
	const bytes = await readBodyLimited(request, 256 * 1024, 'body');
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new AppError('invalid', 'invalid_input', 'upload.err.unreadable', { field: 'body' });
	}
	return type === 'application/json' ? parseJsonText(text) : text;
}
