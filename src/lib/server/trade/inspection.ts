// The buyer's sampling inspection (比例抽检; docs/TRADE.md "Sampling inspection"): the
// draw is recomputed from the order id and line ids (domain drawInspection), only drawn pieces
// take results, verdicts per line against the grade's allowance, and the severe-defect rule
// (3+ severe pieces → replacement due in 24 h, recorded on the inspection).
import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import {
	drawInspection,
	judgeDelivery,
	type LineDraw,
	type PieceResult
} from '$lib/domain/trade/inspection';
import { deadlines } from '$lib/domain/trade/order-state';
import { replacementHolds, severePieces } from '$lib/domain/trade/replacement';
import type { TradePolicy } from '$lib/domain/trade/policy';
import type { InspectionView } from '$lib/trade/types';
import { z } from '$lib/server/validation';
import type { Principal } from '../auth/principal';
import { db, type DbOrTx, type Tx } from '../db';
import {
	lots,
	tradeInspectionItems,
	tradeInspections,
	tradeOrderLines,
	tradeOrders
} from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { transaction } from '../events/bus';
import { currentPolicy } from '../platform/policy';
import { EXT_BY_MIME, mediaStorage, sniffMime } from '../platform/storage';
import { completedUpload } from '../uploads';
import { openReplacement } from './replacements';
import { orderFor, orderIdOf } from './sides';
import {
	moveOrder,
	orderNotFound,
	publishMoved,
	type MoveResult,
	type TradeOrderRow
} from './transition';

const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MAX_PHOTOS_PER_PIECE = 6;

/** Media keys of an order's inspection: photos (this module) and the video (uploads, h5). */
const TRADE_KEY = /^trade\/([0-9a-f-]{36})\/[A-Za-z0-9_-]+\.(png|jpg|webp|mp4|webm|mov)$/;

const inspectionState = (state: string, action: string) =>
	new AppError('conflict', 'trade_state', 'trade.err.state', { params: { state, action } });

const buyerOnly = () => forbidden('trade.err.inspection_buyer_only');

/** The order's lines with what the inspection needs (title, grade, carton size). */
async function linesOf(tx: DbOrTx, orderId: string) {
	return tx
		.select({
			lineId: tradeOrderLines.id,
			lotId: tradeOrderLines.lotId,
			quantity: tradeOrderLines.quantity,
			lineFen: tradeOrderLines.lineFen,
			piecesPerCarton: tradeOrderLines.piecesPerCarton,
			title: lots.title,
			grade: lots.grade
		})
		.from(tradeOrderLines)
		.innerJoin(lots, eq(lots.id, tradeOrderLines.lotId))
		.where(eq(tradeOrderLines.orderId, orderId))
		.orderBy(asc(tradeOrderLines.id));
}

type Lines = Awaited<ReturnType<typeof linesOf>>;

const withSampling = (policy: TradePolicy, samplingBp: number): TradePolicy => ({
	...policy,
	inspection: { ...policy.inspection, samplingBp }
});

/** The reproducible draw of an order with the sampling share its inspection started with. */
function drawOf(orderId: string, lines: Lines, policy: TradePolicy, samplingBp: number) {
	return drawInspection(
		orderId,
		lines.map((l) => ({
			lineId: l.lineId,
			lotId: l.lotId,
			quantity: l.quantity,
			piecesPerCarton: l.piecesPerCarton
		})),
		withSampling(policy, samplingBp)
	);
}

/** The drawn pieces of a line as (piece number, carton, position). */
function piecesOf(d: LineDraw, piecesPerCarton: number) {
	return d.cartons.flatMap((c) =>
		c.positions.map((position) => ({
			piece: (c.carton - 1) * piecesPerCarton + (position - 1),
			carton: c.carton,
			position
		}))
	);
}

async function buildView(
	tx: DbOrTx,
	order: TradeOrderRow,
	policy: TradePolicy
): Promise<InspectionView> {
	const [insp] = await tx
		.select()
		.from(tradeInspections)
		.where(eq(tradeInspections.orderId, order.id));
	if (!insp) throw inspectionState(order.state, 'inspection');
	const lines = await linesOf(tx, order.id);
	const items = await tx
		.select()
		.from(tradeInspectionItems)
		.where(eq(tradeInspectionItems.orderId, order.id));
	const byPlace = new Map(items.map((i) => [`${i.lineId}|${i.carton}|${i.position}`, i]));
	const draw = drawOf(order.id, lines, policy, insp.samplingBp);
	const storage = mediaStorage();
	const viewLines = draw.map((d, i) => {
		const l = lines[i]!;
		return {
			lineId: l.lineId,
			title: l.title,
			grade: l.grade,
			quantity: l.quantity,
			sampleSize: d.sampleSize,
			pieces: piecesOf(d, l.piecesPerCarton).map((p) => {
				const rec = byPlace.get(`${l.lineId}|${p.carton}|${p.position}`);
				return {
					lineId: l.lineId,
					...p,
					result: rec?.result ?? null,
					photos: (rec?.photos ?? []).map((key) => ({ key, url: storage.url(key) })),
					note: rec?.note ?? ''
				};
			})
		};
	});
	const verdict = judgeDelivery(
		viewLines.map((l) => ({
			lineId: l.lineId,
			grade: l.grade,
			results: l.pieces.flatMap((p) => (p.result ? [p.result] : []))
		})),
		insp.submittedAt ?? insp.startedAt,
		policy
	);
	const allowance = policy.inspection.allowance;
	const window = deadlines(order, policy).inspection;
	return {
		orderId: order.id,
		samplingBp: insp.samplingBp,
		startedAt: insp.startedAt.toISOString(),
		submittedAt: insp.submittedAt?.toISOString() ?? null,
		lines: viewLines,
		video: insp.videoKey ? { key: insp.videoKey, url: storage.url(insp.videoKey) } : null,
		verdicts: verdict.lines.map((v) => ({
			lineId: v.lineId,
			inspected: v.inspected,
			minor: v.minor,
			severe: v.severe,
			defectBp: v.defectBp,
			severeBp: v.severeBp,
			allowedDefectBp: allowance[v.grade].maxDefectBp,
			allowedSevereBp: allowance[v.grade].maxSevereBp,
			withinAllowance: v.withinAllowance
		})),
		severePieces: insp.severePieces,
		replacementDueAt: insp.replacementDueAt?.toISOString() ?? null,
		windowEndsAt: window?.toISOString() ?? null
	};
}

/** Inside a transaction holding the order: arrived → inspecting with the policy's share. */
async function start(
	tx: Tx,
	p: Principal,
	order: TradeOrderRow,
	now: Date,
	policy: TradePolicy
): Promise<MoveResult> {
	const moved = await moveOrder(tx, {
		orderId: order.id,
		action: 'start_inspection',
		actor: { party: 'buyer', userId: p.userId },
		now,
		policy
	});
	await tx
		.insert(tradeInspections)
		.values({
			orderId: order.id,
			samplingBp: policy.inspection.samplingBp,
			startedAt: now,
			updatedBy: p.userId
		})
		.onConflictDoNothing();
	return moved;
}

/**
 * The buyer starts the sampling inspection (arrived → inspecting); returns the draw. Starting
 * an inspection already under way returns it (a reloaded checklist).
 */
export async function startInspection(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<InspectionView> {
	const policy = currentPolicy().trade;
	const { view, moved } = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, orderId, tx, true);
		if (side !== 'buyer') throw buyerOnly();
		if (order.state === 'inspecting')
			return { view: await buildView(tx, order, policy), moved: [] };
		const m = await start(tx, p, order, now, policy);
		return { view: await buildView(tx, m.row, policy), moved: [m] };
	});
	publishMoved(moved);
	return view;
}

/** The inspection as recorded so far (buyer, supplier, operator). */
export async function inspectionView(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<InspectionView> {
	void now;
	const { order } = await orderFor(p, orderId, db());
	return buildView(db(), order, currentPolicy().trade);
}

const PhotoKey = z.string().max(200);

const ItemInput = z.object({
	lineId: z.uuid(),
	piece: z.number().int({ error: 'v.integer' }).min(0).max(10_000_000),
	result: z.enum(['pass', 'minor', 'severe'], { error: 'trade.err.piece_result' }),
	note: z.string().trim().max(500).optional(),
	photos: z.array(PhotoKey).max(MAX_PHOTOS_PER_PIECE).optional()
});

export const RecordInspectionInput = z.object({
	items: z.array(ItemInput).max(20_000),
	/** Storage key of the inspection video under the order's prefix (resumable upload). */
	videoKey: z.string().max(300).optional(),
	/** The finished resumable upload (the uploads module); see docs/TRADE.md. */
	videoUploadId: z.uuid().optional()
});

const notDrawn = (i: number) =>
	new AppError('rule', 'not_drawn', 'trade.err.not_drawn', { field: `items.${i}.piece` });
const badKey = (field: string) =>
	new AppError('rule', 'invalid_media', 'trade.err.media_key', { field });

/**
 * Records results: raw `{ items: [{ lineId, piece, result: 'pass'|'minor'|'severe', note?,
 * photos?: string[] (keys from uploadInspectionPhoto) }], videoUploadId?: string }`. Only drawn
 * pieces; only before the window ends. An arrived order's inspection starts with the first
 * results. Results upsert (a piece recorded again takes the new result).
 */
export async function recordInspection(
	p: Principal,
	orderId: unknown,
	raw: unknown,
	now = new Date()
): Promise<InspectionView> {
	const id = orderIdOf(orderId);
	const input = parse(RecordInspectionInput, raw);
	const prefix = `trade/${id}/`;
	input.items.forEach((it, i) =>
		(it.photos ?? []).forEach((k, j) => {
			const m = TRADE_KEY.exec(k);
			if (!m || !k.startsWith(prefix) || !PHOTO_EXT.has(m[2]!))
				throw badKey(`items.${i}.photos.${j}`);
		})
	);
	if (input.videoKey !== undefined) {
		const m = TRADE_KEY.exec(input.videoKey);
		if (!m || !input.videoKey.startsWith(prefix) || PHOTO_EXT.has(m[2]!)) throw badKey('videoKey');
		// The joined upload must be there (a key is only known once its upload completed).
		const file = await mediaStorage().get(input.videoKey);
		if (!file) throw badKey('videoKey');
		await file.body.cancel();
	}
	let videoKey = input.videoKey;
	if (input.videoUploadId !== undefined) {
		// The caller's finished resumable upload for this order (404 if not theirs, 422 if not
		// complete); its joined file lies under the order's prefix.
		const upload = await completedUpload(p, input.videoUploadId, {
			purpose: 'inspection_video',
			refId: id
		});
		if (!upload.key.startsWith(prefix)) throw badKey('videoUploadId');
		videoKey = upload.key;
	}
	const policy = currentPolicy().trade;
	const { view, moved } = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, id, tx, true);
		if (side !== 'buyer') throw buyerOnly();
		const out: MoveResult[] = [];
		let current = order;
		if (order.state === 'arrived') {
			const m = await start(tx, p, order, now, policy);
			out.push(m);
			current = m.row;
		}
		if (current.state !== 'inspecting') throw inspectionState(current.state, 'record_inspection');
		const window = deadlines(current, policy).inspection;
		if (window && now.getTime() >= window.getTime()) {
			throw new AppError('conflict', 'deadline_passed', 'trade.err.deadline_passed', {
				params: {
					state: current.state,
					action: 'record_inspection',
					deadline: window.toISOString()
				}
			});
		}
		const [insp] = await tx
			.select()
			.from(tradeInspections)
			.where(eq(tradeInspections.orderId, id))
			.for('update');
		if (!insp) throw inspectionState(current.state, 'record_inspection');
		const lines = await linesOf(tx, id);
		const draw = drawOf(id, lines, policy, insp.samplingBp);
		const drawn = new Map<string, { carton: number; position: number }>();
		draw.forEach((d, i) => {
			for (const pc of piecesOf(d, lines[i]!.piecesPerCarton)) {
				drawn.set(`${d.lineId}|${pc.piece}`, pc);
			}
		});
		const rows = input.items.map((it, i) => {
			const place = drawn.get(`${it.lineId}|${it.piece}`);
			if (!place) throw notDrawn(i);
			return {
				orderId: id,
				lineId: it.lineId,
				carton: place.carton,
				position: place.position,
				result: it.result as PieceResult,
				photos: it.photos ?? [],
				note: it.note ?? '',
				at: now
			};
		});
		// One result per piece in a request: the last one given wins.
		const unique = [
			...new Map(rows.map((r) => [`${r.lineId}|${r.carton}|${r.position}`, r])).values()
		];
		if (unique.length > 0) {
			await tx
				.insert(tradeInspectionItems)
				.values(unique)
				.onConflictDoUpdate({
					target: [
						tradeInspectionItems.orderId,
						tradeInspectionItems.lineId,
						tradeInspectionItems.carton,
						tradeInspectionItems.position
					],
					set: {
						result: sql`excluded.result`,
						photos: sql`excluded.photos`,
						note: sql`excluded.note`,
						at: sql`excluded.at`
					}
				});
		}
		// The severe-defect rule over everything recorded so far.
		const all = await tx
			.select({ lineId: tradeInspectionItems.lineId, result: tradeInspectionItems.result })
			.from(tradeInspectionItems)
			.where(eq(tradeInspectionItems.orderId, id));
		const verdict = judgeDelivery(
			lines.map((l) => ({
				lineId: l.lineId,
				grade: l.grade,
				results: all.filter((a) => a.lineId === l.lineId).map((a) => a.result)
			})),
			now,
			policy
		);
		if (!insp.replacementDueAt && verdict.replacement) {
			// The rule is met for the first time: the severe pieces are owed as a replacement
			// (replacements.ts), their escrow held until it ships or its deadline passes.
			await openReplacement(tx, current, {
				source: 'severe_defect',
				lines: replacementHolds(
					lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, lineFen: l.lineFen })),
					severePieces(all)
				),
				dueAt: verdict.replacement.dueAt,
				now
			});
		}
		await tx
			.update(tradeInspections)
			.set({
				severePieces: verdict.severePieces,
				// Set once, when the rule is first met (the replacement's deadline).
				replacementDueAt: insp.replacementDueAt ?? verdict.replacement?.dueAt ?? null,
				submittedAt: now,
				updatedBy: p.userId,
				...(videoKey !== undefined ? { videoKey } : {})
			})
			.where(eq(tradeInspections.orderId, id));
		// A submission is a change of the order for its pages (docs/TRADE.md events).
		const [bumped] = await tx
			.update(tradeOrders)
			.set({ version: sql`${tradeOrders.version} + 1`, updatedAt: now })
			.where(eq(tradeOrders.id, id))
			.returning();
		out.push({ row: bumped!, from: current.state, stock: [] });
		return { view: await buildView(tx, bumped!, policy), moved: out };
	});
	publishMoved(moved.slice(-1));
	return view;
}

const PHOTO_EXT = new Set(['png', 'jpg', 'webp']);

/** Stores one photo of the inspection (JPEG/PNG/WebP, sniffed), returns its storage key. */
export async function uploadInspectionPhoto(
	p: Principal,
	orderId: unknown,
	bytes: Uint8Array
): Promise<{ key: string; url: string }> {
	const { order, side } = await orderFor(p, orderId, db());
	if (side !== 'buyer') throw buyerOnly();
	if (order.state !== 'arrived' && order.state !== 'inspecting') {
		throw inspectionState(order.state, 'upload_photo');
	}
	const mime = sniffMime(bytes);
	if (!mime || !PHOTO_TYPES.includes(mime)) {
		throw new AppError('invalid', 'unsupported_media', 'trade.err.photo_type', { field: 'photo' });
	}
	if (bytes.byteLength > MAX_PHOTO_BYTES) {
		throw new AppError('invalid', 'too_large', 'trade.err.photo_size', {
			field: 'photo',
			params: { maximum: MAX_PHOTO_BYTES / 1024 / 1024 }
		});
	}
	const key = `trade/${order.id}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[mime]}`;
	await mediaStorage().put(key, bytes, mime);
	return { key, url: mediaStorage().url(key) };
}

const MIME_BY_EXT: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime'
};

/**
 * May `p` read a trade media key (`trade/<orderId>/…`: inspection photos and video)? The
 * order's buyer, its supplier and operators; anyone else (or a malformed key) may not.
 */
export async function canReadTradeMedia(p: Principal, key: string): Promise<boolean> {
	const m = TRADE_KEY.exec(key);
	if (!m) return false;
	try {
		await orderFor(p, m[1]!, db());
		return true;
	} catch {
		return false;
	}
}

/** A trade media file for the /media route; 404 for anyone who may not read it. */
export async function openTradeMedia(p: Principal, key: string) {
	if (!(await canReadTradeMedia(p, key))) throw orderNotFound();
	const file = await mediaStorage().get(key);
	if (!file) throw orderNotFound();
	const ext = TRADE_KEY.exec(key)![2]!;
	return { ...file, mime: MIME_BY_EXT[ext] ?? 'application/octet-stream' };
}
