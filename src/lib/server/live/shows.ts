import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { isoDateTime, multilineText, z } from '$lib/server/validation';
import { canTransitionShow, type ShowStatus } from '$lib/domain/locks';
import { PACKAGING } from '$lib/domain/orders';
import { currentPolicy } from '../platform/policy';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import {
	lockEvents,
	lots,
	orgs,
	shows,
	showSlots,
	stockLocks,
	suppliers,
	users
} from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { getBoard, readBoardLineup } from '../boards/service';
import { hostTeamOf } from '../auth/principal';
import { actorIds, authorizeShow, requireTeamWriter } from './access';
import { releaseShowLocks, toLockView, type LockView } from './locks';
import { publishLockChanges, publishShowChanged, showLotCounters } from './publish';

const SlotInput = z.object({
	lotId: z.uuid({ error: 'v.id' }),
	livePriceFen: z.number().int().min(1).max(100_000_000).optional(),
	plannedLockQty: z.number().int().min(0).max(1_000_000).optional(),
	plannedAt: isoDateTime().optional(),
	note: multilineText().max(2000).optional(),
	boardSlotId: z.string().max(100).optional()
});
export type SlotInput = z.infer<typeof SlotInput>;

export const CreateShowInput = z.object({
	title: z.string().trim().min(1, { error: 'v.required' }).max(120),
	scheduledAt: isoDateTime().optional(),
	boardId: z.uuid().optional(),
	slots: z.array(SlotInput).min(1, { error: 'v.show_lots' }).max(500)
});

/** Creates a show for the actor's team from an explicit line-up (a board supplies one the same way). */
export async function createShow(actor: Principal, raw: unknown): Promise<{ id: string }> {
	const teamId = requireTeamWriter(actor);
	const input = parse(CreateShowInput, raw);
	const ids = input.slots.map((s) => s.lotId);
	const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
	if (dup >= 0) {
		throw new AppError('invalid', 'duplicate_lot', 'err.lot_twice', {
			field: `slots.${dup}.lotId`
		});
	}
	const found = await db()
		.select({
			id: lots.id,
			status: lots.status,
			dropshipAllowed: lots.dropshipAllowed,
			unitPriceFen: lots.unitPriceFen,
			supplierStatus: suppliers.status
		})
		.from(lots)
		.innerJoin(suppliers, eq(suppliers.orgId, lots.supplierId))
		.where(inArray(lots.id, ids));
	const byId = new Map(found.map((l) => [l.id, l]));
	input.slots.forEach((s, i) => {
		const l = byId.get(s.lotId);
		if (!l) throw notFound('Lot', `slots.${i}.lotId`);
		if (l.status !== 'active' || l.supplierStatus !== 'admitted') {
			throw new AppError('rule', 'lot_unavailable', 'err.lot_not_on_sale', {
				field: `slots.${i}.lotId`
			});
		}
		if (!l.dropshipAllowed) {
			throw new AppError('rule', 'dropship_not_allowed', 'err.no_dropship', {
				field: `slots.${i}.lotId`
			});
		}
	});
	const { userId } = actorIds(actor);
	return db().transaction(async (tx) => {
		const [show] = await tx
			.insert(shows)
			.values({
				teamId,
				title: input.title,
				boardId: input.boardId ?? null,
				scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
				createdBy: userId
			})
			.returning({ id: shows.id });
		await tx.insert(showSlots).values(
			input.slots.map((s, position) => ({
				showId: show!.id,
				position,
				lotId: s.lotId,
				livePriceFen: s.livePriceFen ?? byId.get(s.lotId)!.unitPriceFen,
				plannedLockQty: s.plannedLockQty ?? 0,
				plannedAt: s.plannedAt ? new Date(s.plannedAt) : null,
				note: s.note ?? '',
				boardSlotId: s.boardSlotId ?? null
			}))
		);
		return { id: show!.id };
	});
}

export const FromBoardInput = z.object({
	boardId: z.uuid({ error: 'v.id' }),
	title: z.string().trim().min(1).max(120).optional()
});

/**
 * Starts a show from a run-of-show board: its slots (as last saved) become the line-up, in
 * on-air order, with their live prices, stock to lock, times and notes. Only the board's own
 * host team may do it.
 */
export async function createShowFromBoard(actor: Principal, raw: unknown): Promise<{ id: string }> {
	const input = parse(FromBoardInput, raw);
	const board = await getBoard(actor, input.boardId);
	const team = hostTeamOf(actor);
	if (board.access !== 'write' || board.orgId !== team.orgId || !team.mayWrite) {
		throw forbidden('err.board_team_only');
	}
	const lineup = await readBoardLineup(board.id);
	if (lineup.slots.length === 0) {
		throw new AppError('rule', 'board_empty', 'err.board_empty', {
			field: 'boardId'
		});
	}
	return createShow(actor, {
		title: input.title ?? board.name,
		boardId: board.id,
		...(lineup.scheduledAt ? { scheduledAt: lineup.scheduledAt } : {}),
		slots: lineup.slots
	});
}

export async function listShows(actor: Principal) {
	const a = hostTeamOf(actor);
	const rows = await db()
		.select({
			id: shows.id,
			title: shows.title,
			status: shows.status,
			scheduledAt: shows.scheduledAt,
			startedAt: shows.startedAt,
			endedAt: shows.endedAt,
			teamName: orgs.name,
			slots:
				sql<number>`(select count(*) from show_slots ss where ss.show_id = "shows"."id")`.mapWith(
					Number
				)
		})
		.from(shows)
		.innerJoin(orgs, eq(orgs.id, shows.teamId))
		.where(
			a.isOperator ? undefined : eq(shows.teamId, a.orgId ?? '00000000-0000-0000-0000-000000000000')
		)
		.orderBy(desc(shows.createdAt))
		.limit(200);
	return rows;
}

/** A show with its line-up, each slot's lot and live counters, and the active locks. */
export async function getShow(actor: Principal, showId: string) {
	const { teamId } = await authorizeShow(actor, showId, 'read');
	const [show] = await db().select().from(shows).where(eq(shows.id, showId));
	const slots = await db()
		.select({
			id: showSlots.id,
			position: showSlots.position,
			lotId: showSlots.lotId,
			livePriceFen: showSlots.livePriceFen,
			plannedLockQty: showSlots.plannedLockQty,
			plannedAt: showSlots.plannedAt,
			note: showSlots.note,
			packaging: showSlots.packaging,
			boardSlotId: showSlots.boardSlotId,
			title: lots.title,
			grade: lots.grade,
			unitPriceFen: lots.unitPriceFen,
			tagPriceFen: lots.tagPriceFen,
			defectDescription: lots.defectDescription,
			talkingPoints: lots.talkingPoints,
			supplierName: orgs.name
		})
		.from(showSlots)
		.innerJoin(lots, eq(lots.id, showSlots.lotId))
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.where(eq(showSlots.showId, showId))
		.orderBy(asc(showSlots.position));
	const counters = await showLotCounters(
		showId,
		slots.map((s) => s.lotId)
	);
	const locks = await db()
		.select()
		.from(stockLocks)
		.where(and(eq(stockLocks.showId, showId), eq(stockLocks.status, 'active')))
		.orderBy(asc(stockLocks.createdAt));
	const a = hostTeamOf(actor);
	return {
		show: show!,
		canWrite: a.orgId === teamId && a.mayWrite,
		slots,
		counters,
		locks: locks.map(toLockView) as LockView[]
	};
}

export const TransitionInput = z.object({ status: z.enum(['live', 'ended', 'cancelled']) });

/** Go live, end or cancel. Ending or cancelling releases every remaining lock in the same transaction. */
export async function transitionShow(actor: Principal, showId: string, raw: unknown) {
	await authorizeShow(actor, showId, 'write');
	const { status } = parse(TransitionInput, raw);
	const res = await db().transaction(async (tx) => {
		const [show] = await tx.select().from(shows).where(eq(shows.id, showId)).for('update');
		if (!canTransitionShow(show!.status as ShowStatus, status)) {
			throw new AppError('rule', 'illegal_transition', 'err.show_transition', {
				params: { from: show!.status, to: status },
				field: 'status'
			});
		}
		const now = new Date();
		const [after] = await tx
			.update(shows)
			.set({
				status,
				...(status === 'live' ? { startedAt: now } : { endedAt: now })
			})
			.where(eq(shows.id, showId))
			.returning();
		const changedLots = status === 'live' ? [] : await releaseShowLocks(tx, showId);
		return { show: after!, changedLots };
	});
	for (const l of res.changedLots) publishLockChanges(l, [showId]);
	publishShowChanged(res.show);
	return res.show;
}

export const UpdateShowInput = z
	.object({
		title: z.string().trim().min(1).max(120).optional(),
		scheduledAt: isoDateTime().nullable().optional(),
		/** The show's commission deal in basis points (within the policy band), or null for each lot's own. */
		commissionBp: z.number({ error: 'v.bp' }).int({ error: 'v.bp' }).nullable().optional(),
		/** Packaging instructions for every parcel of this show. */
		packaging: z
			.array(z.enum(PACKAGING, { error: 'v.packaging' }))
			.max(3)
			.optional()
	})
	.refine(
		(v) =>
			v.title !== undefined ||
			v.scheduledAt !== undefined ||
			v.commissionBp !== undefined ||
			v.packaging !== undefined,
		{ error: 'v.nothing_to_change', path: ['title'] }
	);

/** Rename or (re)schedule a show that has not ended. */
export async function updateShow(actor: Principal, showId: string, raw: unknown) {
	await authorizeShow(actor, showId, 'write');
	const input = parse(UpdateShowInput, raw);
	if (input.commissionBp !== undefined && input.commissionBp !== null) {
		const { commissionMinBp: lo, commissionMaxBp: hi } = currentPolicy().money;
		if (input.commissionBp < lo || input.commissionBp > hi) {
			throw new AppError('rule', 'commission_out_of_band', 'err.show_commission', {
				field: 'commissionBp',
				details: { minBp: lo, maxBp: hi },
				params: { min: lo / 100, max: hi / 100 }
			});
		}
	}
	return db().transaction(async (tx) => {
		const [show] = await tx.select().from(shows).where(eq(shows.id, showId)).for('update');
		if (show!.status === 'ended' || show!.status === 'cancelled') {
			throw new AppError('rule', 'show_closed', 'err.show_closed', {
				field: 'status'
			});
		}
		const [after] = await tx
			.update(shows)
			.set({
				...(input.title !== undefined ? { title: input.title } : {}),
				...(input.scheduledAt !== undefined
					? { scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null }
					: {}),
				...(input.commissionBp !== undefined ? { commissionBp: input.commissionBp } : {}),
				...(input.packaging !== undefined ? { packaging: input.packaging } : {})
			})
			.where(eq(shows.id, showId))
			.returning();
		return after!;
	});
}

export const SlotPackagingInput = z.object({
	packaging: z.array(z.enum(PACKAGING, { error: 'v.packaging' })).max(3)
});

/** Packaging instructions for one slot's lot (added to the show's on each parcel). */
export async function setSlotPackaging(
	actor: Principal,
	showId: string,
	slotId: string,
	raw: unknown
) {
	await authorizeShow(actor, showId, 'write');
	const { packaging } = parse(SlotPackagingInput, raw);
	const [slot] = await db()
		.update(showSlots)
		.set({ packaging })
		.where(and(eq(showSlots.id, slotId), eq(showSlots.showId, showId)))
		.returning({ id: showSlots.id, packaging: showSlots.packaging });
	if (!slot) throw notFound('Slot', 'slotId');
	return slot;
}

export const CurrentSlotInput = z.object({ slotId: z.uuid().nullable() });

export async function setCurrentSlot(actor: Principal, showId: string, raw: unknown) {
	await authorizeShow(actor, showId, 'write');
	const { slotId } = parse(CurrentSlotInput, raw);
	if (slotId) {
		const [s] = await db()
			.select({ id: showSlots.id })
			.from(showSlots)
			.where(and(eq(showSlots.id, slotId), eq(showSlots.showId, showId)));
		if (!s) throw notFound('Slot', 'slotId');
	}
	const [after] = await db()
		.update(shows)
		.set({ currentSlotId: slotId })
		.where(eq(shows.id, showId))
		.returning();
	publishShowChanged(after!);
	return after!;
}

const HistoryQuery = z.object({
	after: z.coerce
		.number({ error: 'input.err.after' })
		.int({ error: 'input.err.after' })
		.min(0, { error: 'input.err.after' })
		.optional()
});

/**
 * The record of every lock change in a show: who, when, how much; newest first. With
 * `{after}` (query parameters), only the events newer than that event id — what a console
 * that already shows the record fetches when the show's locks change.
 */
export async function lockHistory(
	actor: Principal,
	showId: string,
	limit = 200,
	raw: unknown = {}
) {
	await authorizeShow(actor, showId, 'read');
	const { after } = parse(HistoryQuery, raw);
	return db()
		.select({
			id: lockEvents.id,
			lockId: lockEvents.lockId,
			lotId: lockEvents.lotId,
			kind: lockEvents.kind,
			delta: lockEvents.delta,
			quantityAfter: lockEvents.quantityAfter,
			system: lockEvents.system,
			at: lockEvents.at,
			actorName: users.displayName
		})
		.from(lockEvents)
		.leftJoin(users, eq(users.id, lockEvents.actorUserId))
		.where(
			and(eq(lockEvents.showId, showId), after !== undefined ? gt(lockEvents.id, after) : undefined)
		)
		.orderBy(desc(lockEvents.id))
		.limit(limit);
}
