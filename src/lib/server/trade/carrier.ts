// The carrier's "delivered" event (an API). It mirrors the 快递100 (Kuaidi100)
// subscription push, the tracking aggregator Chinese shops subscribe their waybills with: the
// push is a form post (or the same two fields as JSON) of `param`, a JSON document
// `{status, message, lastResult: {state, ischeck, com, nu, data}}`, and `sign`, the MD5 of
// `param + salt` (upper-case hex) with the salt given at subscription (CARRIER_PUSH_SALT).
// `lastResult.state` 3 (签收; 301–304 with resultv2) means signed for. The answer is 快递100's
// `{result, returnCode, message}` so it stops re-pushing. `signCarrierPush` makes such a push
// (tests, the demo, a local carrier simulator).
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { KUAIDI100_COM, normaliseTrackingNo } from '$lib/trade/carriers';
import { z } from '$lib/server/validation';
import { db } from '../db';
import { env } from '../env';
import { tradeOrders, tradeParcels } from '../db/schema';
import { AppError, parse } from '../errors';
import { transaction } from '../events/bus';
import { currentPolicy } from '../platform/policy';
import { moveOrder, publishMoved, type MoveResult } from './transition';

const PushInput = z.object({
	sign: z.string().regex(/^[0-9a-fA-F]{32}$/, { error: 'trade.err.carrier_sign' }),
	param: z.string().min(2).max(200_000)
});

const PushParam = z.object({
	status: z.string().max(40),
	message: z.string().max(2000).optional(),
	lastResult: z.object({
		state: z.string().max(10),
		ischeck: z.string().max(4).optional(),
		com: z.string().max(40),
		nu: z.string().max(64)
	})
});

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

/** A signed push as 快递100 sends it (for tests and a local carrier simulator). */
export function signCarrierPush(param: unknown, salt: string): { sign: string; param: string } {
	const text = JSON.stringify(param);
	return { sign: md5(text + salt), param: text };
}

const badSignature = () =>
	new AppError('unauthenticated', 'bad_signature', 'trade.err.carrier_sign', { field: 'sign' });

/** Signed for: state 3, or one of its sub-states 301–304 (resultv2), or ischeck 1. */
const delivered = (r: { state: string; ischeck?: string }) =>
	r.state === '3' || /^30[1-9]$/.test(r.state) || r.ischeck === '1';

/** 快递100's acknowledgement text (protocol, not a message for people: never translated). */
const ACK_TEXT = '成功';

export interface CarrierPushAnswer {
	orderId: string | null;
	/** 快递100's expected answer: anything but result true makes it push again. */
	result: true;
	returnCode: '200';
	message: string;
}

/**
 * Marks the parcel delivered and, when all parcels of the order are, the order arrived. `raw` is
 * `{sign, param}` or the urlencoded form body as a string.
 */
export async function carrierDelivered(raw: unknown, now = new Date()): Promise<CarrierPushAnswer> {
	const salt = env().CARRIER_PUSH_SALT;
	if (!salt) throw new AppError('forbidden', 'forbidden', 'trade.err.carrier_disabled');
	// 快递100 posts a form: its body as text (`sign=…&param=…`) or the two fields as an object.
	const input = parse(
		PushInput,
		typeof raw === 'string' ? Object.fromEntries(new URLSearchParams(raw)) : raw
	);
	const want = Buffer.from(md5(input.param + salt));
	const got = Buffer.from(input.sign.toUpperCase());
	if (want.length !== got.length || !timingSafeEqual(want, got)) throw badSignature();
	let json: unknown;
	try {
		json = JSON.parse(input.param);
	} catch {
		throw new AppError('invalid', 'invalid_input', 'trade.err.carrier_param', { field: 'param' });
	}
	const param = parse(PushParam, json);
	const ok = (orderId: string | null): CarrierPushAnswer => ({
		orderId,
		result: true,
		returnCode: '200',
		message: ACK_TEXT
	});
	const carrier = KUAIDI100_COM[param.lastResult.com.toLowerCase()];
	if (!carrier || !delivered(param.lastResult)) return ok(null);
	const trackingNo = normaliseTrackingNo(param.lastResult.nu);
	const [parcel] = await db()
		.select({ orderId: tradeParcels.orderId })
		.from(tradeParcels)
		.where(and(eq(tradeParcels.carrier, carrier), eq(tradeParcels.trackingNo, trackingNo)));
	// Not one of ours (or not any more): acknowledged, nothing to do.
	if (!parcel) return ok(null);
	const policy = currentPolicy().trade;
	const moved = await transaction(async (tx) => {
		// The order's row first (the lock order of every trade step), then its parcels.
		const [order] = await tx
			.select({ id: tradeOrders.id, state: tradeOrders.state })
			.from(tradeOrders)
			.where(eq(tradeOrders.id, parcel.orderId))
			.for('update');
		await tx
			.update(tradeParcels)
			.set({ deliveredAt: now })
			.where(
				and(
					eq(tradeParcels.carrier, carrier),
					eq(tradeParcels.trackingNo, trackingNo),
					isNull(tradeParcels.deliveredAt)
				)
			);
		const [open] = await tx
			.select({ n: count() })
			.from(tradeParcels)
			.where(
				and(
					eq(tradeParcels.orderId, parcel.orderId),
					eq(tradeParcels.replacement, false),
					isNull(tradeParcels.deliveredAt)
				)
			);
		const out: MoveResult[] = [];
		if (order?.state === 'shipped' && Number(open?.n ?? 0) === 0) {
			out.push(
				await moveOrder(tx, {
					orderId: parcel.orderId,
					action: 'arrive',
					actor: { party: 'carrier', userId: null },
					now,
					policy,
					note: `${carrier} ${trackingNo}`
				})
			);
		}
		return out;
	});
	publishMoved(moved);
	return ok(parcel.orderId);
}
