/**
 * Board content in Postgres (or PGlite): a snapshot row per board plus appended Yjs updates.
 * The only code that writes board_snapshots and board_updates.
 *
 *   load      snapshot + every appended row, read in ONE statement (one MVCC snapshot), so a
 *             compaction committing in between cannot make rows vanish from a load
 *   append    one row per save, in one statement that also touches boards.content_saved_at
 *             and NOTIFYs other nodes; the notification is delivered only if the row commits
 *   compact   locks the snapshot row, folds the rows it read into it, deletes exactly those rows
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { db, dbHandle, type DbOrTx } from '../db';
import { boardSnapshots, boardUpdates } from '../db/schema';
import type { CollabPersistence, PresenceMessage, RemoteSave, StoredDoc } from '../collab/server';
import { isUuid } from '../ids';

export const BOARD_CHANNEL = 'lotlive_board_saved';
/** Presence (awareness) of boards between nodes; nothing of it is stored. */
export const BOARD_PRESENCE_CHANNEL = 'lotlive_board_presence';
/** Awareness bytes per presence message: base64 of it plus the envelope stays under 8000. */
const PRESENCE_MAX_BYTES = 5000;
/** NOTIFY payloads are limited to 8000 bytes; larger updates travel by row id. */
const INLINE_BASE64_MAX = 6000;
/** Rows folded per compaction pass (a later pass takes the rest). */
const COMPACT_BATCH = 5000;

export const isBoardId = (v: string) => isUuid(v);

function toBytes(v: unknown): Uint8Array {
	if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
	throw new Error('expected bytea');
}

/** Creates a board's content row; call in the transaction that inserts the board. */
export async function insertBoardContent(tx: DbOrTx, boardId: string, state: Uint8Array) {
	await tx
		.insert(boardSnapshots)
		.values({ boardId, state, stateVector: Y.encodeStateVectorFromUpdate(state) });
}

/**
 * Snapshot first, then appended updates in order, plus the snapshot's state vector; null when
 * the board has no content row.
 */
export async function loadBoardUpdates(boardId: string): Promise<StoredDoc | null> {
	if (!isBoardId(boardId)) return null;
	const rows = await db()
		.select({
			kind: sql<number>`0`.mapWith(Number).as('kind'),
			id: sql<number>`0::bigint`.mapWith(Number).as('id'),
			data: boardSnapshots.state,
			sv: boardSnapshots.stateVector
		})
		.from(boardSnapshots)
		.where(eq(boardSnapshots.boardId, boardId))
		.unionAll(
			db()
				.select({
					kind: sql<number>`1`.mapWith(Number).as('kind'),
					id: boardUpdates.id,
					data: boardUpdates.update,
					sv: sql<Uint8Array>`null::bytea`.as('sv')
				})
				.from(boardUpdates)
				.where(eq(boardUpdates.boardId, boardId))
		)
		.orderBy(sql`1`, sql`2`);
	if (rows.length === 0 || Number(rows[0]!.kind) !== 0) return null;
	const sv = rows[0]!.sv;
	return {
		updates: rows.map((r) => toBytes(r.data)),
		snapshotStateVector: sv && sv.length > 0 ? toBytes(sv) : undefined
	};
}

/** The stored document as one update (snapshot merged with appended rows). */
export async function loadBoardState(boardId: string): Promise<Uint8Array | null> {
	const all = (await loadBoardUpdates(boardId))?.updates;
	if (!all) return null;
	return all.length === 1 ? all[0]! : Y.mergeUpdates(all);
}

/**
 * Appends one update. With `notify`, other nodes learn of it through NOTIFY in the same
 * statement (delivered on commit only): inline when small, else by row id.
 */
export async function appendBoardUpdate(
	boardId: string,
	update: Uint8Array,
	nodeId: string,
	notify: boolean
): Promise<void> {
	const buf = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
	const b64 = notify ? buf.toString('base64') : '';
	const inline = notify && b64.length <= INLINE_BASE64_MAX ? b64 : null;
	await db().execute(sql`
		with ins as (
			insert into board_updates (board_id, update, node_id)
			values (${boardId}::uuid, ${buf}::bytea, ${nodeId})
			returning id
		), touched as (
			update boards set content_saved_at = now() where id = ${boardId}::uuid returning id
		)
		select ins.id,
			case when ${notify}::boolean then pg_notify(${BOARD_CHANNEL},
				json_build_object('b', ${boardId}::text, 'n', ${nodeId}::text, 'i', ins.id, 'u', ${inline}::text)::text)
			end as notified,
			(select count(*) from touched) as touched
		from ins`);
}

export async function readBoardUpdate(id: number): Promise<Uint8Array | null> {
	const [row] = await db()
		.select({ update: boardUpdates.update })
		.from(boardUpdates)
		.where(eq(boardUpdates.id, id))
		.limit(1);
	return row ? toBytes(row.update) : null;
}

/**
 * Folds appended rows into the snapshot. The snapshot row lock serialises compactions of one
 * board across nodes; rows committed after our read stay in board_updates for the next pass.
 * The merge goes through a Y.Doc so deleted content is garbage-collected out of the snapshot.
 */
export async function compactBoard(boardId: string): Promise<number> {
	return db().transaction(async (tx) => {
		const [snap] = await tx
			.select({ state: boardSnapshots.state })
			.from(boardSnapshots)
			.where(eq(boardSnapshots.boardId, boardId))
			.for('update');
		if (!snap) return 0;
		const rows = await tx
			.select({ id: boardUpdates.id, update: boardUpdates.update })
			.from(boardUpdates)
			.where(eq(boardUpdates.boardId, boardId))
			.orderBy(asc(boardUpdates.id))
			.limit(COMPACT_BATCH);
		if (rows.length === 0) return 0;
		const doc = new Y.Doc();
		try {
			doc.transact(() => {
				Y.applyUpdate(doc, toBytes(snap.state));
				for (const r of rows) Y.applyUpdate(doc, toBytes(r.update));
			});
			await tx
				.update(boardSnapshots)
				.set({
					state: Y.encodeStateAsUpdate(doc),
					stateVector: Y.encodeStateVector(doc),
					compactions: sql`${boardSnapshots.compactions} + 1`,
					updatedAt: new Date()
				})
				.where(eq(boardSnapshots.boardId, boardId));
		} finally {
			doc.destroy();
		}
		await tx.delete(boardUpdates).where(
			and(
				eq(boardUpdates.boardId, boardId),
				inArray(
					boardUpdates.id,
					rows.map((r) => r.id)
				)
			)
		);
		return rows.length;
	});
}

/** How many appended rows a board has (tests and figures). */
export async function pendingRowCount(boardId: string): Promise<number> {
	const [r] = await db()
		.select({ n: sql<number>`count(*)`.mapWith(Number) })
		.from(boardUpdates)
		.where(eq(boardUpdates.boardId, boardId));
	return r?.n ?? 0;
}

/** Sends one presence message to the other nodes (NOTIFY outside any transaction). */
export async function publishBoardPresence(m: PresenceMessage): Promise<void> {
	const payload = JSON.stringify({
		b: m.docId,
		n: m.nodeId,
		...(m.query ? { q: 1 } : {}),
		...(m.update ? { a: Buffer.from(m.update).toString('base64') } : {})
	});
	await db().execute(sql`select pg_notify(${BOARD_PRESENCE_CHANNEL}, ${payload})`);
}

function readPresencePayload(payload: string): PresenceMessage | null {
	let p: { b?: unknown; n?: unknown; q?: unknown; a?: unknown };
	try {
		p = JSON.parse(payload) as typeof p;
	} catch {
		return null;
	}
	if (!p || typeof p.b !== 'string' || typeof p.n !== 'string') return null;
	return {
		docId: p.b,
		nodeId: p.n,
		query: p.q === 1,
		update: typeof p.a === 'string' ? new Uint8Array(Buffer.from(p.a, 'base64')) : undefined
	};
}

interface NotifyPayload {
	b: string;
	n: string;
	i: number;
	u: string | null;
}

/**
 * The collab persistence for boards. The relay (LISTEN/NOTIFY) is on by default on Postgres,
 * where several processes may share the database; PGlite is single-process.
 */
export function createBoardPersistence(
	opts: { relay?: boolean; fail?: () => boolean } = {}
): CollabPersistence {
	const relay = () => opts.relay ?? dbHandle().kind === 'postgres';
	return {
		handles: isBoardId,
		load: loadBoardUpdates,
		async save(docId, update, nodeId) {
			if (opts.fail?.()) throw new Error('injected save failure');
			await appendBoardUpdate(docId, update, nodeId, relay());
		},
		async compact(docId) {
			await compactBoard(docId);
		},
		fetchSaved: readBoardUpdate,
		presenceMaxBytes: PRESENCE_MAX_BYTES,
		async publishPresence(m) {
			if (relay()) await publishBoardPresence(m);
		},
		async subscribePresence(onMessage, onResubscribed) {
			if (!relay()) return async () => {};
			let listens = 0;
			return dbHandle().listen(
				BOARD_PRESENCE_CHANNEL,
				(payload) => {
					const m = readPresencePayload(payload);
					if (m) onMessage(m);
				},
				() => {
					if (listens++ > 0) onResubscribed();
				}
			);
		},
		async subscribe(onRemote: (save: RemoteSave) => void, onResubscribed: () => void) {
			if (!relay()) return async () => {};
			let listens = 0;
			const onListen = () => {
				if (listens++ > 0) onResubscribed();
			};
			return dbHandle().listen(
				BOARD_CHANNEL,
				(payload) => {
					let p: NotifyPayload;
					try {
						p = JSON.parse(payload) as NotifyPayload;
					} catch {
						return;
					}
					if (!p || typeof p.b !== 'string' || typeof p.n !== 'string') return;
					onRemote({
						docId: p.b,
						nodeId: p.n,
						id: Number(p.i),
						update: p.u ? new Uint8Array(Buffer.from(p.u, 'base64')) : undefined
					});
				},
				onListen
			);
		}
	};
}
