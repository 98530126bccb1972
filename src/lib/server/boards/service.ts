/**
 * Run-of-show boards: list, create (blank or from a template), duplicate, rename, archive,
 * viewers, and reading a board's slots. The only code that writes the boards tables (content
 * goes through ./store.ts, which this module owns too).
 *
 * Who may do what (checked here, whatever the route did):
 *   host and assistants of the owning team  write (read only while the board is archived)
 *   the owning team's API tokens            same as the team
 *   viewers added to the board              read
 *   operators                               read (support), never write
 *   anyone else                             403 (404 when the board does not exist)
 */
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import * as Y from 'yjs';
import {
	buildBoardState,
	plannedInstant,
	readMeta,
	readSlots,
	slotsFromState,
	slotsToInits,
	type BoardMeta,
	type BoardSlot
} from '$lib/collab/board';
import { hostTeamOf, type Principal } from '../auth/principal';
import { currentCollab } from '../collab/server';
import type { Access } from '../collab/server';
import { db } from '../db';
import { boardViewers, boards, orgs, users, type Board } from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import {
	CreateBoardInput,
	DuplicateBoardInput,
	ListBoardsInput,
	RenameBoardInput,
	UpdateBoardInput,
	ViewerInput
} from './schemas';
import { insertBoardContent, isBoardId, loadBoardState } from './store';

export type { BoardSlot, BoardMeta };

export interface BoardRow {
	id: string;
	orgId: string;
	teamName: string;
	name: string;
	status: 'active' | 'archived';
	isTemplate: boolean;
	createdAt: Date;
	updatedAt: Date;
	contentSavedAt: Date;
}

export interface BoardView extends BoardRow {
	access: Access;
}

const boardColumns = {
	id: boards.id,
	orgId: boards.orgId,
	teamName: orgs.name,
	name: boards.name,
	status: boards.status,
	isTemplate: boards.isTemplate,
	createdAt: boards.createdAt,
	updatedAt: boards.updatedAt,
	contentSavedAt: boards.contentSavedAt
};

/** A member of a host team who may write that team's boards. */
function teamWriterOrg(actor: Principal): string | null {
	return hostTeamOf(actor).mayWrite ? actor.orgId : null;
}

async function accessTo(
	actor: Principal,
	b: Pick<Board, 'id' | 'orgId' | 'status'>
): Promise<Access | null> {
	if (teamWriterOrg(actor) === b.orgId) return b.status === 'archived' ? 'read' : 'write';
	if (!actor.userId) return null;
	if (actor.role === 'operator') return 'read';
	const [v] = await db()
		.select({ userId: boardViewers.userId })
		.from(boardViewers)
		.where(and(eq(boardViewers.boardId, b.id), eq(boardViewers.userId, actor.userId)))
		.limit(1);
	return v ? 'read' : null;
}

/**
 * The /collab access check: 'write', 'read', null (refused: 403) or undefined (no such board:
 * 404; also for document ids that are not board ids, so other resolvers may answer).
 */
export async function boardAccess(
	actor: Principal,
	boardId: string
): Promise<Access | null | undefined> {
	if (!isBoardId(boardId)) return undefined;
	const [b] = await db()
		.select({ id: boards.id, orgId: boards.orgId, status: boards.status })
		.from(boards)
		.where(eq(boards.id, boardId))
		.limit(1);
	if (!b) return undefined;
	return accessTo(actor, b);
}

/** The board and the actor's access to it; 404 when missing, 403 when refused. */
export async function getBoard(actor: Principal, boardId: string): Promise<BoardView> {
	if (!isBoardId(boardId)) throw notFound('Board', 'boardId');
	const [b] = await db()
		.select(boardColumns)
		.from(boards)
		.innerJoin(orgs, eq(orgs.id, boards.orgId))
		.where(eq(boards.id, boardId))
		.limit(1);
	if (!b) throw notFound('Board', 'boardId');
	const access = await accessTo(actor, b);
	if (!access) throw forbidden('boards.err.forbidden');
	return { ...b, access };
}

/** A board the actor's team may change (any status); 403 otherwise. */
async function requireTeamBoard(actor: Principal, boardId: string): Promise<BoardView> {
	const b = await getBoard(actor, boardId);
	if (teamWriterOrg(actor) !== b.orgId) throw forbidden('boards.err.forbidden');
	return b;
}

/** Console users (host team members, operators): who may search the catalog from a board. */
export function requireConsoleActor(actor: Principal | null): Principal {
	if (!actor) throw forbidden('boards.err.team_only');
	if (teamWriterOrg(actor)) return actor;
	if (actor.role === 'operator') return actor;
	throw forbidden('boards.err.team_only');
}

function requireWriter(actor: Principal): string {
	const org = teamWriterOrg(actor);
	if (!org) throw forbidden('boards.err.team_only');
	return org;
}

export async function listBoards(actor: Principal, raw: unknown = {}): Promise<BoardRow[]> {
	const { status } = parse(ListBoardsInput, raw);
	const filter =
		status === 'templates'
			? and(eq(boards.isTemplate, true), eq(boards.status, 'active'))
			: and(eq(boards.status, status), eq(boards.isTemplate, false));
	const order = [desc(boards.contentSavedAt), desc(boards.createdAt)];
	const q = db().select(boardColumns).from(boards).innerJoin(orgs, eq(orgs.id, boards.orgId));
	const org = teamWriterOrg(actor);
	if (org) {
		if (!actor.userId) return q.where(and(filter, eq(boards.orgId, org))).orderBy(...order);
		const viewing = db()
			.select({ id: boardViewers.boardId })
			.from(boardViewers)
			.where(eq(boardViewers.userId, actor.userId));
		return q
			.where(and(filter, or(eq(boards.orgId, org), inArray(boards.id, viewing))))
			.orderBy(...order);
	}
	if (actor.role === 'operator') {
		return q
			.where(filter)
			.orderBy(...order)
			.limit(500);
	}
	throw forbidden('boards.err.team_only');
}

async function insertBoard(
	values: { orgId: string; name: string; isTemplate: boolean; createdBy: string | null },
	state: Uint8Array
): Promise<string> {
	return db().transaction(async (tx) => {
		const [row] = await tx.insert(boards).values(values).returning({ id: boards.id });
		await insertBoardContent(tx, row!.id, state);
		return row!.id;
	});
}

/** The freshest content this process can see: stored state plus the live document if open here. */
async function currentContent(boardId: string): Promise<{ meta: BoardMeta; slots: BoardSlot[] }> {
	const stored = await loadBoardState(boardId);
	const open = await currentCollab()?.openDoc(boardId);
	if (!open) return slotsFromState(stored);
	const doc = new Y.Doc();
	try {
		if (stored) Y.applyUpdate(doc, stored);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(open));
		return { meta: readMeta(doc), slots: readSlots(doc) };
	} finally {
		doc.destroy();
	}
}

export async function createBoard(actor: Principal, raw: unknown): Promise<{ id: string }> {
	const orgId = requireWriter(actor);
	const input = parse(CreateBoardInput, raw);
	let slots: ReturnType<typeof slotsToInits> = [];
	if (input.templateId) {
		const [t] = await db()
			.select({ id: boards.id, orgId: boards.orgId, isTemplate: boards.isTemplate })
			.from(boards)
			.where(eq(boards.id, input.templateId))
			.limit(1);
		if (!t || !t.isTemplate || t.orgId !== orgId) {
			throw new AppError('invalid', 'invalid_input', 'boards.err.template', {
				field: 'templateId'
			});
		}
		slots = slotsToInits((await currentContent(t.id)).slots);
	}
	const id = await insertBoard(
		{
			orgId,
			name: input.name,
			isTemplate: false,
			createdBy: actor.userId
		},
		buildBoardState({ broadcastAt: input.broadcastAt }, slots)
	);
	return { id };
}

/** Copies a board (content without history) into a new board of the same team. */
export async function duplicateBoard(
	actor: Principal,
	boardId: string,
	raw: unknown = {}
): Promise<{ id: string }> {
	const source = await requireTeamBoard(actor, boardId);
	const input = parse(DuplicateBoardInput, raw);
	const content = await currentContent(source.id);
	const id = await insertBoard(
		{
			orgId: source.orgId,
			name: input.name ?? `${source.name} (2)`,
			isTemplate: input.asTemplate,
			createdBy: actor.userId
		},
		buildBoardState(content.meta, slotsToInits(content.slots))
	);
	return { id };
}

export async function updateBoard(
	actor: Principal,
	boardId: string,
	raw: unknown
): Promise<BoardView> {
	await requireTeamBoard(actor, boardId);
	const input = parse(UpdateBoardInput, raw);
	await db()
		.update(boards)
		.set({
			...(input.name !== undefined ? { name: input.name } : {}),
			...(input.status !== undefined ? { status: input.status } : {}),
			updatedAt: new Date()
		})
		.where(eq(boards.id, boardId));
	// Access depends on the status (archived = read-only): open connections on this node reconnect
	// and are authorised again.
	if (input.status !== undefined) currentCollab()?.reconnectDoc(boardId);
	return getBoard(actor, boardId);
}

export const renameBoard = (actor: Principal, boardId: string, raw: unknown) =>
	updateBoard(actor, boardId, { name: parse(RenameBoardInput, raw).name });
export const archiveBoard = (actor: Principal, boardId: string) =>
	updateBoard(actor, boardId, { status: 'archived' });
export const restoreBoard = (actor: Principal, boardId: string) =>
	updateBoard(actor, boardId, { status: 'active' });

// ---------------------------------------------------------------- viewers

export async function listViewers(actor: Principal, boardId: string) {
	const b = await getBoard(actor, boardId);
	return db()
		.select({
			userId: users.id,
			email: users.email,
			displayName: users.displayName,
			team: orgs.name
		})
		.from(boardViewers)
		.innerJoin(users, eq(users.id, boardViewers.userId))
		.leftJoin(orgs, eq(orgs.id, users.orgId))
		.where(eq(boardViewers.boardId, b.id))
		.orderBy(boardViewers.createdAt);
}

/** Lets a console user of another team (a partner host, say) read the board. */
export async function addViewer(actor: Principal, boardId: string, raw: unknown): Promise<void> {
	const b = await requireTeamBoard(actor, boardId);
	const { email } = parse(ViewerInput, raw);
	const [u] = await db()
		.select({ id: users.id, role: users.role, orgId: users.orgId })
		.from(users)
		.where(eq(users.email, email))
		.limit(1);
	if (!u)
		throw new AppError('not_found', 'not_found', 'boards.err.viewer_unknown', { field: 'email' });
	if (u.role !== 'host' && u.role !== 'assistant') {
		throw new AppError('rule', 'viewer_role', 'boards.err.viewer_role', { field: 'email' });
	}
	if (u.orgId === b.orgId) {
		throw new AppError('rule', 'viewer_team', 'boards.err.viewer_team', { field: 'email' });
	}
	await db()
		.insert(boardViewers)
		.values({ boardId: b.id, userId: u.id, addedBy: actor.userId })
		.onConflictDoNothing();
}

export async function removeViewer(
	actor: Principal,
	boardId: string,
	userId: string
): Promise<void> {
	const b = await requireTeamBoard(actor, boardId);
	if (!isBoardId(userId)) throw notFound('Viewer', 'userId');
	await db()
		.delete(boardViewers)
		.where(and(eq(boardViewers.boardId, b.id), eq(boardViewers.userId, userId)));
	// an open connection of the removed viewer (on this node) is authorised again, and refused
	currentCollab()?.reconnectDoc(b.id);
}

// ---------------------------------------------------------------- content

/**
 * A board's slots as plain objects in on-air order, from the persisted state (what every client
 * was told is saved). For other modules (creating a live show from a board); the caller checks
 * access, e.g. with `getBoard(actor, boardId)`. Throws not_found for an unknown board.
 */
export async function readBoardSlots(boardId: string): Promise<BoardSlot[]> {
	const state = await loadBoardState(boardId);
	if (!state) throw notFound('Board', 'boardId');
	return slotsFromState(state).slots;
}

/** One slot of a show line-up, as `createShow` in $lib/server/live/shows.ts takes it. */
export interface LineupSlot {
	lotId: string;
	livePriceFen?: number;
	plannedLockQty: number;
	plannedAt?: string;
	note: string;
	boardSlotId: string;
}

/**
 * A board as a show line-up (persisted state, on-air order): live price, stock to lock, on-air
 * time as an ISO instant (see `plannedInstant`), notes and the board slot id. A lot that is on
 * the board twice is listed once (its first slot), since a show holds each lot once. The caller
 * checks access.
 */
export async function readBoardLineup(
	boardId: string
): Promise<{ scheduledAt?: string; slots: LineupSlot[] }> {
	const state = await loadBoardState(boardId);
	if (!state) throw notFound('Board', 'boardId');
	const { meta, slots } = slotsFromState(state);
	const seen = new Set<string>();
	const lineup: LineupSlot[] = [];
	for (const s of slots) {
		if (seen.has(s.lotId)) continue;
		seen.add(s.lotId);
		lineup.push({
			lotId: s.lotId,
			livePriceFen: s.livePriceFen && s.livePriceFen > 0 ? s.livePriceFen : undefined,
			plannedLockQty: s.lockQty,
			plannedAt: plannedInstant(meta.broadcastAt, s.plannedAt),
			note: s.notes.slice(0, 2000),
			boardSlotId: s.id
		});
	}
	return { scheduledAt: meta.broadcastAt || undefined, slots: lineup };
}

/** The board with its content for someone allowed to read it (exports, print, API). */
export async function boardContent(actor: Principal, boardId: string) {
	const board = await getBoard(actor, boardId);
	const content = await currentContent(board.id);
	return { board, ...content };
}

/** Creates a board with the given content for a team (demo seed, benches). */
export async function createBoardWithContent(
	orgId: string,
	createdBy: string | null,
	name: string,
	state: Uint8Array,
	opts: { isTemplate?: boolean } = {}
): Promise<string> {
	return insertBoard({ orgId, name, isTemplate: opts.isTemplate ?? false, createdBy }, state);
}
