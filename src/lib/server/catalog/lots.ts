// Lot writes: create, edit (writeLotDraft is the one path that changes a lot and its on-hand
// stock), block and unblock.
import type { Principal } from '../auth/principal';
import { and, eq } from 'drizzle-orm';
import { db, type DbOrTx } from '../db';
import { lots, type Lot } from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { isUuid } from '../ids';
import { publishStock, setOnHand } from '../stock';
import { isOperator, requireOperator } from './actor';
import {
	checkDraft,
	derivedColumns,
	draftFromCreate,
	draftFromPatch,
	loadLotContext,
	stockIssue,
	throwIssues,
	type LotContext,
	type LotDraft
} from './lot-rules';
import { getLot, type LotDetail } from './lots-read';
import { BlockInput, LotCreateInput, LotPatchInput } from './schemas';
import { getSupplier } from './suppliers';

/** The supplier a write is for, and whether it may write at all. */
export async function writableSupplier(
	tx: DbOrTx,
	actor: Principal,
	supplierId: string | undefined
) {
	let orgId: string;
	if (isOperator(actor)) {
		if (!supplierId)
			throw new AppError('invalid', 'invalid_input', 'lot.err.supplier_required', {
				field: 'supplierId'
			});
		orgId = supplierId;
	} else if (actor.role === 'supplier_staff' && actor.orgId) {
		if (supplierId && supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
		orgId = actor.orgId;
	} else throw forbidden('lot.err.supplier_only');
	const sup = await getSupplier(orgId, tx);
	if (!sup) {
		if (isOperator(actor)) throw notFound('Supplier', 'supplierId');
		throw forbidden('lot.err.no_supplier_profile');
	}
	if (sup.status === 'blocked' && !isOperator(actor)) throw forbidden('lot.err.supplier_blocked');
	return sup;
}

export async function createLot(actor: Principal, raw: unknown): Promise<LotDetail> {
	const input = parse(LotCreateInput, raw);
	const id = await db()
		.transaction(async (tx) => {
			const sup = await writableSupplier(tx, actor, input.supplierId);
			const ctx = await loadLotContext(tx);
			const { draft, issues } = draftFromCreate(input, ctx, sup, isOperator(actor));
			if (issues.length) throwIssues(issues);
			const [row] = await tx
				.insert(lots)
				.values({
					...draft,
					supplierId: sup.orgId,
					...derivedColumns(draft, ctx, { hasDefectVideo: false, supplierName: sup.name })
				})
				.returning({ id: lots.id });
			return row!.id;
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	return (await getLot(actor, id))!;
}

/**
 * Writes a changed lot (its row locked `for update` by the caller): the one path by which a
 * supplier's edit, API patch or sheet import changes a lot and its on-hand stock. on_hand never
 * drops below locked + allocated, and a stock change bumps stock_version; the caller publishes
 * the stock of the lots whose on-hand changed (`publishStock`) once its transaction commits.
 * Returns whether on-hand changed.
 */
export async function writeLotDraft(
	tx: DbOrTx,
	lot: Lot,
	draft: LotDraft,
	ctx: LotContext,
	supplierName: string
): Promise<boolean> {
	const stock = stockIssue(lot, draft.onHand);
	if (stock)
		throw new AppError('conflict', stock.code, stock.message, {
			field: stock.field,
			params: stock.params
		});
	const onHandChanged = draft.onHand !== lot.onHand;
	// The stock module writes the counter (and its stock_version); the rest of the lot is ours.
	const { onHand, ...rest } = draft;
	await tx
		.update(lots)
		.set({
			...rest,
			...derivedColumns(draft, ctx, {
				hasDefectVideo: lot.hasDefectVideo,
				supplierName
			}),
			updatedAt: new Date()
		})
		.where(eq(lots.id, lot.id));
	if (onHandChanged) await setOnHand(tx, [lot.id], onHand);
	return onHandChanged;
}

/** A supplier code another lot of the same supplier already has: 409 naming the field. */
export function skuTaken(e: unknown): AppError | null {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur; i++) {
		const c = cur as {
			code?: unknown;
			cause?: unknown;
			constraint_name?: unknown;
			constraint?: unknown;
		};
		const constraint = String(c.constraint_name ?? c.constraint ?? '');
		if (c.code === '23505' && constraint.includes('supplier_sku'))
			return new AppError('conflict', 'sku_taken', 'lot.err.sku_taken', { field: 'supplierSku' });
		cur = c.cause;
	}
	return null;
}

export async function updateLot(actor: Principal, id: string, raw: unknown): Promise<LotDetail> {
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const patch = parse(LotPatchInput, raw);
	const operator = isOperator(actor);
	const stockChanged = await db()
		.transaction(async (tx) => {
			const [lot] = await tx.select().from(lots).where(eq(lots.id, id)).for('update').limit(1);
			if (!lot) throw notFound('Lot', 'id');
			if (!operator) {
				if (actor.role !== 'supplier_staff') throw forbidden('lot.err.supplier_only');
				if (lot.supplierId !== actor.orgId) throw forbidden('lot.err.not_your_lot');
			}
			const sup = await writableSupplier(tx, actor, lot.supplierId);
			const ctx = await loadLotContext(tx);
			const draft = draftFromPatch(lot, patch, ctx, operator);
			const issues = checkDraft(draft, ctx);
			if (issues.length) throwIssues(issues);
			return writeLotDraft(tx, lot, draft, ctx, sup.name);
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	if (stockChanged) await publishStock([id]);
	return (await getLot(actor, id))!;
}

/** Operator: block a lot (e.g. counterfeit suspicion); it leaves the catalog at once. */
export async function blockLot(actor: Principal, id: string, raw: unknown): Promise<void> {
	requireOperator(actor);
	const { reason } = parse(BlockInput, raw);
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const rows = await db()
		.update(lots)
		.set({
			status: 'blocked',
			statusReason: reason,
			blockedBy: actor.userId,
			blockedAt: new Date(),
			updatedAt: new Date()
		})
		.where(eq(lots.id, id))
		.returning({ id: lots.id });
	if (rows.length === 0) throw notFound('Lot', 'id');
}

/** Operator: lift a block; the lot goes back on sale. */
export async function unblockLot(actor: Principal, id: string): Promise<void> {
	requireOperator(actor);
	if (!isUuid(id)) throw notFound('Lot', 'id');
	const rows = await db()
		.update(lots)
		.set({
			status: 'active',
			statusReason: null,
			blockedBy: null,
			blockedAt: null,
			updatedAt: new Date()
		})
		.where(and(eq(lots.id, id), eq(lots.status, 'blocked')))
		.returning({ id: lots.id });
	if (rows.length === 0) throw notFound('Lot', 'id');
}
