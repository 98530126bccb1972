import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
	checkTransition,
	claimTriggersReplacement,
	quoteFreight,
	returnsUnits,
	type FulfilmentStatus
} from '$lib/domain/orders';
import type { Principal } from '../auth/principal';
import { currentPolicy } from '../platform/policy';
import { db, type Tx } from '../db';
import {
	defectClaims,
	freightRates,
	fulfilmentEvents,
	fulfilments,
	orderLines,
	showLotSales,
	type Fulfilment,
	type ShipTo
} from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import { actorIds } from '../live/access';
import { allocateFree, publishLockChanges, settle } from '../stock';
import { publishInTx, transaction } from '../events/bus';
import { publishFulfilmentsChanged } from './publish';
import { getFulfilment, sideOf, type FulfilmentWithActions } from './queries';
import { ClaimInput, RefundLineInput, TransitionInput } from './schemas';
import { isUuid } from '../ids';

interface StockDelta {
	onHand: number;
	allocated: number;
}

/** What a status change does to the lot's counters, per unit. */
function stockEffect(from: FulfilmentStatus, to: FulfilmentStatus): StockDelta | null {
	// Units allocated to the order leave the warehouse when shipped.
	if (to === 'shipped') return { onHand: -1, allocated: -1 };
	// Cancelled: back to free stock. Out of stock: the supplier does not have them; they leave
	// on hand too so nobody else sells them.
	if (returnsUnits(to) && from !== 'shipped') {
		return to === 'out_of_stock' ? { onHand: -1, allocated: -1 } : { onHand: 0, allocated: -1 };
	}
	// A returned parcel goes back on the supplier's shelf.
	if (to === 'returned') return { onHand: 1, allocated: 0 };
	return null;
}

interface Moved {
	fulfilment: Fulfilment;
	lots: { id: string; onHand: number; locked: number; allocated: number; stockVersion: number }[];
}

/**
 * Moves a fulfilment along its state machine for one of its parties. A fulfilment the actor is
 * no party to is 404 (its existence is not revealed); an illegal move is 422 naming the states.
 */
export async function transitionFulfilment(
	actor: Principal,
	id: string,
	raw: unknown
): Promise<FulfilmentWithActions> {
	const input = parse(TransitionInput, raw);
	if (!isUuid(id)) throw notFound('Fulfilment', 'id');
	const policy = currentPolicy();
	const ids = actorIds(actor);
	const moved = await transaction((tx) => move(tx, actor, id, input, ids, policy));
	afterMove([moved]);
	return getFulfilment(actor, id);
}

function afterMove(list: Moved[]): void {
	for (const m of list) for (const l of m.lots) publishLockChanges(l, [m.fulfilment.showId]);
	publishFulfilmentsChanged(
		list.map((m) => m.fulfilment),
		'changed'
	);
}

async function move(
	tx: Tx,
	actor: Principal,
	id: string,
	input: TransitionInput,
	ids: { userId: string | null; tokenId: string | null },
	policy: Awaited<ReturnType<typeof currentPolicy>>
): Promise<Moved> {
	const [f] = await tx.select().from(fulfilments).where(eq(fulfilments.id, id)).for('update');
	if (!f) throw notFound('Fulfilment', 'id');
	const side = sideOf(actor, f);
	if (!side) throw notFound('Fulfilment', 'id');
	// Operators act on the team's side (e.g. cancel during a dispute).
	const acting = side === 'operator' ? 'team' : side;
	const check = checkTransition(f.status, input.action, acting, {
		deliveredAt: f.deliveredAt,
		policy
	});
	if (!check.ok) {
		const message =
			check.reason === 'wrong_side'
				? acting === 'team'
					? 'orders.err.supplier_only'
					: 'orders.err.team_only'
				: check.reason === 'return_window_closed'
					? 'orders.err.return_window'
					: 'orders.err.illegal';
		throw new AppError(
			check.reason === 'wrong_side' ? 'forbidden' : 'rule',
			check.reason === 'wrong_side' ? 'forbidden' : 'illegal_transition',
			message,
			{
				field: 'action',
				details: { from: f.status, action: input.action },
				params: { from: f.status, action: input.action, days: policy.orders.returnWindowDays }
			}
		);
	}
	const to = check.to;
	const now = new Date();
	const lines = await tx.select().from(orderLines).where(eq(orderLines.fulfilmentId, f.id));
	const effect = stockEffect(f.status, to);
	const changedLots: Moved['lots'] = [];
	if (effect) {
		const perLot = new Map<string, number>();
		for (const l of lines) perLot.set(l.lotId, (perLot.get(l.lotId) ?? 0) + l.quantity);
		for (const [lotId, q] of [...perLot].sort(([a], [b]) => (a < b ? -1 : 1))) {
			const after = await settle(tx, lotId, effect, q);
			if (after) changedLots.push(after);
		}
	}
	// Parcels that will not reach the consumer stop counting as sold in the show.
	if (f.kind === 'order' && (to === 'cancelled' || to === 'out_of_stock' || to === 'returned')) {
		const perLot = new Map<string, number>();
		for (const l of lines) perLot.set(l.lotId, (perLot.get(l.lotId) ?? 0) + l.quantity);
		for (const [lotId, q] of [...perLot].sort(([a], [b]) => (a < b ? -1 : 1))) {
			await tx
				.update(showLotSales)
				.set({ sold: sql`${showLotSales.sold} - ${q}` })
				.where(and(eq(showLotSales.showId, f.showId), eq(showLotSales.lotId, lotId)));
		}
	}
	const patch: Partial<typeof fulfilments.$inferInsert> = { status: to, updatedAt: now };
	if (to === 'accepted') patch.acceptedAt = now;
	if (to === 'packed') patch.packedAt = now;
	if (to === 'shipped') {
		patch.shippedAt = now;
		patch.carrier = input.carrier!;
		patch.trackingNo = input.trackingNo!;
	}
	if (to === 'delivered') patch.deliveredAt = now;
	if (to === 'returned' || to === 'cancelled' || to === 'out_of_stock') patch.closedAt = now;
	if (to === 'out_of_stock' || to === 'address_problem') patch.exceptionNote = input.note ?? null;
	if (input.action === 'address_fixed') {
		if (!input.shipTo) {
			throw new AppError('invalid', 'invalid_input', 'orders.err.address_needed', {
				field: 'shipTo'
			});
		}
		patch.shipTo = input.shipTo as ShipTo;
		patch.exceptionNote = null;
	}
	const [updated] = await tx
		.update(fulfilments)
		.set(patch)
		.where(eq(fulfilments.id, f.id))
		.returning();
	await tx.insert(fulfilmentEvents).values({
		fulfilmentId: f.id,
		fromStatus: f.status,
		toStatus: to,
		actorUserId: ids.userId,
		actorTokenId: ids.tokenId,
		note: to === 'shipped' ? `${input.carrier} ${input.trackingNo}` : (input.note ?? null)
	});
	await publishInTx(tx, 'fulfilment.moved', {
		fulfilmentId: f.id,
		orderId: f.orderId,
		showId: f.showId,
		teamId: f.teamId,
		supplierId: f.supplierId,
		kind: f.kind,
		from: f.status,
		to,
		at: now,
		lines
	});
	return { fulfilment: updated!, lots: changedLots };
}

export interface BulkShipRow {
	row: number;
	number: string;
	carrier: string;
	trackingNo: string;
}

export interface BulkShipReport {
	shipped: number;
	failed: number;
	rows: {
		row: number;
		number: string;
		ok: boolean;
		column?: string;
		/** A catalogue key or plain text; the route translates it for the caller. */
		message?: string;
		params?: Record<string, string | number>;
	}[];
}

/**
 * Marks many fulfilments shipped from a sheet of (fulfilment number, carrier, tracking number).
 * Each row stands alone: a bad row is reported and the good ones ship, each in its own
 * transaction, so a half-processed sheet can be uploaded again (shipped rows then report
 * "already shipped").
 */
export async function bulkShip(actor: Principal, rows: BulkShipRow[]): Promise<BulkShipReport> {
	const policy = currentPolicy();
	const ids = actorIds(actor);
	const report: BulkShipReport = { shipped: 0, failed: 0, rows: [] };
	const numbers = rows.map((r) => Number(r.number.replace(/^#/, ''))).filter(Number.isSafeInteger);
	const found = numbers.length
		? await db()
				.select({ id: fulfilments.id, number: fulfilments.number })
				.from(fulfilments)
				.where(inArray(fulfilments.number, numbers))
		: [];
	const idOf = new Map(found.map((f) => [f.number, f.id]));
	const moved: Moved[] = [];
	for (const r of rows) {
		const n = Number(r.number.replace(/^#/, ''));
		const id = Number.isSafeInteger(n) ? idOf.get(n) : undefined;
		if (!id) {
			report.rows.push({
				row: r.row,
				number: r.number,
				ok: false,
				column: 'number',
				message: 'orders.err.no_such_parcel'
			});
			report.failed++;
			continue;
		}
		try {
			const input = parse(TransitionInput, {
				action: 'ship',
				carrier: r.carrier || undefined,
				trackingNo: r.trackingNo || undefined
			});
			moved.push(await transaction((tx) => move(tx, actor, id, input, ids, policy)));
			report.rows.push({ row: r.row, number: r.number, ok: true });
			report.shipped++;
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			const column =
				e.field === 'carrier' ? 'carrier' : e.field === 'trackingNo' ? 'trackingNo' : 'number';
			// Someone else's fulfilment reads as unknown, like the API.
			const message = e.kind === 'not_found' ? 'orders.err.no_such_parcel' : e.message;
			report.rows.push({
				row: r.row,
				number: r.number,
				ok: false,
				column,
				message,
				params: e.params
			});
			report.failed++;
		}
	}
	if (moved.length) afterMove(moved);
	return report;
}

/** Finds the header columns of a tracking sheet (Chinese or English headers). */
export function readShipSheet(records: string[][]): BulkShipRow[] | AppError {
	const [header, ...body] = records;
	if (!header)
		return new AppError('invalid', 'invalid_input', 'orders.err.sheet_empty', { field: 'file' });
	const norm = header.map((h) => h.trim().toLowerCase());
	const col = (...names: string[]) => norm.findIndex((h) => names.includes(h));
	const cNumber = col('number', 'fulfilment', 'fulfilment number', '发货单号', '单号', '编号');
	const cCarrier = col('carrier', '快递公司', '物流公司', '承运商');
	const cTracking = col(
		'tracking',
		'tracking number',
		'trackingno',
		'tracking_no',
		'快递单号',
		'运单号'
	);
	const missing = [
		cNumber < 0 ? 'number' : null,
		cCarrier < 0 ? 'carrier' : null,
		cTracking < 0 ? 'tracking' : null
	].filter(Boolean);
	if (missing.length) {
		return new AppError('invalid', 'invalid_input', 'orders.err.missing_columns', {
			field: 'file',
			params: { columns: missing.join(', ') }
		});
	}
	return body
		.map((r, i) => ({
			row: i + 2,
			number: (r[cNumber] ?? '').trim(),
			carrier: (r[cCarrier] ?? '').trim(),
			trackingNo: (r[cTracking] ?? '').trim()
		}))
		.filter((r) => r.number || r.carrier || r.trackingNo);
}

/**
 * A consumer's claim of severely defective pieces, recorded by the host team. With 3+ severe
 * pieces shown on photos (policy) a replacement fulfilment of those pieces is created, due in
 * 24 h, drawn from the supplier's free stock, its freight (the partner rate of the route)
 * charged to the supplier.
 */
export async function claimDefects(actor: Principal, fulfilmentId: string, raw: unknown) {
	const input = parse(ClaimInput, raw);
	if (!isUuid(fulfilmentId)) throw notFound('Fulfilment', 'id');
	const policy = currentPolicy();
	const ids = actorIds(actor);
	const result = await transaction(async (tx) => {
		const [f] = await tx
			.select()
			.from(fulfilments)
			.where(eq(fulfilments.id, fulfilmentId))
			.for('update');
		if (!f) throw notFound('Fulfilment', 'id');
		const side = sideOf(actor, f);
		if (!side) throw notFound('Fulfilment', 'id');
		if (side === 'supplier') {
			throw new AppError('forbidden', 'forbidden', 'orders.err.claims_by_team');
		}
		if (f.status !== 'delivered') {
			throw new AppError('rule', 'illegal_transition', 'orders.err.claim_not_delivered', {
				field: 'fulfilmentId',
				details: { from: f.status }
			});
		}
		const lines = await tx
			.select()
			.from(orderLines)
			.where(eq(orderLines.fulfilmentId, f.id))
			.orderBy(asc(orderLines.lotId));
		const pieces = lines.reduce((s, l) => s + l.quantity, 0);
		if (input.severePieces > pieces) {
			throw new AppError('invalid', 'invalid_input', 'orders.err.claim_pieces', {
				field: 'severePieces',
				params: { n: pieces }
			});
		}
		const triggers = claimTriggersReplacement(input.severePieces, input.photos.length, policy);
		const claimId = randomUUID();
		let replacementId: string | null = null;
		let replacement: Fulfilment | undefined;
		let freightFen = 0;
		const changedLots: Moved['lots'] = [];
		if (triggers) {
			// Replace the pieces line by line, in lot order, up to the claimed count.
			let left = input.severePieces;
			const take: { lotId: string; quantity: number }[] = [];
			for (const l of lines) {
				if (left === 0) break;
				const q = Math.min(l.quantity, left);
				take.push({ lotId: l.lotId, quantity: q });
				left -= q;
			}
			for (const t of take) {
				const after = await allocateFree(tx, t.lotId, t.quantity);
				if (!after) {
					throw new AppError('conflict', 'insufficient_stock', 'orders.err.no_replacement_stock', {
						field: 'severePieces',
						details: { lotId: t.lotId }
					});
				}
				changedLots.push(after);
			}
			const rates = await tx
				.select()
				.from(freightRates)
				.where(
					and(
						eq(freightRates.originProvince, f.warehouseProvince),
						eq(freightRates.destProvince, f.shipTo.province)
					)
				);
			freightFen = quoteFreight(rates, input.severePieces)?.partnerFen ?? 0;
			replacementId = randomUUID();
			const now = new Date();
			[replacement] = await tx
				.insert(fulfilments)
				.values({
					id: replacementId,
					orderId: f.orderId,
					showId: f.showId,
					teamId: f.teamId,
					supplierId: f.supplierId,
					warehouseProvince: f.warehouseProvince,
					warehouseCity: f.warehouseCity,
					kind: 'replacement',
					replacesId: f.id,
					packaging: f.packaging,
					shipTo: f.shipTo,
					dueAt: new Date(now.getTime() + policy.orders.replacementDueHours * 3_600_000),
					freightChargeFen: freightFen
				})
				.returning();
			await tx.insert(orderLines).values(
				take.map((t) => {
					const src = lines.find((l) => l.lotId === t.lotId)!;
					return {
						orderId: f.orderId,
						fulfilmentId: replacementId!,
						lotId: t.lotId,
						supplierId: f.supplierId,
						quantity: t.quantity,
						unitPriceFen: src.unitPriceFen,
						commissionBp: src.commissionBp,
						fromFree: t.quantity
					};
				})
			);
			await tx.insert(fulfilmentEvents).values({
				fulfilmentId: replacementId,
				fromStatus: null,
				toStatus: 'pending',
				actorUserId: ids.userId,
				actorTokenId: ids.tokenId,
				note: `replacement for #${f.number} (claim ${claimId})`
			});
			if (freightFen > 0) {
				await publishInTx(tx, 'supplier.charged', {
					supplierId: f.supplierId,
					amountFen: freightFen,
					reason: `replacement freight #${f.number}`,
					refId: `claim:${claimId}`
				});
			}
		}
		await tx.insert(defectClaims).values({
			id: claimId,
			fulfilmentId: f.id,
			severePieces: input.severePieces,
			description: input.description,
			photos: input.photos,
			replacementId,
			freightChargeFen: freightFen,
			createdBy: ids.userId
		});
		return { claimId, replacementId, replacement, freightFen, changedLots, showId: f.showId };
	});
	for (const l of result.changedLots) publishLockChanges(l, [result.showId]);
	if (result.replacement) publishFulfilmentsChanged([result.replacement], 'created');
	return {
		claimId: result.claimId,
		replacement: result.replacementId ? await getFulfilment(actor, result.replacementId) : null,
		freightChargeFen: result.freightFen
	};
}

/**
 * A partial refund of one line of a fulfilment (e.g. compensation for a flaw the consumer
 * keeps), recorded by the host team. The ledger cuts the commission proportionally; after
 * settlement it claws the difference back. `refId` (the live platform's refund number) makes a
 * repeat harmless.
 */
export async function refundLine(actor: Principal, fulfilmentId: string, raw: unknown) {
	const input = parse(RefundLineInput, raw);
	if (!isUuid(fulfilmentId)) throw notFound('Fulfilment', 'id');
	await transaction(async (tx) => {
		const [f] = await tx.select().from(fulfilments).where(eq(fulfilments.id, fulfilmentId));
		if (!f) throw notFound('Fulfilment', 'id');
		const side = sideOf(actor, f);
		if (!side) throw notFound('Fulfilment', 'id');
		if (side === 'supplier') {
			throw new AppError('forbidden', 'forbidden', 'orders.err.refunds_by_team');
		}
		if (f.kind === 'replacement') {
			throw new AppError('rule', 'not_refundable', 'orders.err.replacement_unpaid', {
				field: 'lineId'
			});
		}
		const [line] = await tx
			.select({ id: orderLines.id })
			.from(orderLines)
			.where(and(eq(orderLines.id, input.lineId), eq(orderLines.fulfilmentId, f.id)));
		if (!line) throw notFound('Line', 'lineId');
		await publishInTx(tx, 'line.refunded', {
			saleLineId: line.id,
			amountFen: input.amountFen,
			reason: input.reason,
			refId: `partial:${f.teamId}:${input.refId}`,
			at: new Date()
		});
	});
	return getFulfilment(actor, fulfilmentId);
}
