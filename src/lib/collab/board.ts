/**
 * The run-of-show board as a Yjs document, shared by the browser, the server and the bench.
 * One Y.Doc per board; its websocket room is the board id (`/collab/<boardId>`).
 *
 * ```
 * doc.getMap('meta')                       Y.Map
 *   v            number                    shape version (BOARD_SHAPE_VERSION)
 *   broadcastAt  string                    planned start, ISO-8601 UTC, or ''
 *
 * doc.getMap('slots')                      Y.Map<slotId, Y.Map>   one entry per slot
 *   id           string                    same as the key (12 chars, [0-9a-z])
 *   lotId        string                    catalog lot (uuid)
 *   order        string                    fractional ordering key (order-key.ts)
 *   plannedAt    string                    on-air time 'HH:MM' on the broadcast day, or ''
 *   livePriceFen number | null             price on air, integer fen
 *   lockQty      number                    pieces to lock for this slot, integer ≥ 0
 *   crossSell    {role, pairSlotId} | null role 'traffic' (引流款) or 'profit' (利润款); written on
 *                                          both slots of a pair in one transaction
 *   notes        Y.Text                    free notes for the team
 *   script       Y.Text                    defect script / talking points (讲解话术)
 *   checklist    Y.Array<Y.Map>            items {id: string, text: string, done: boolean}
 * ```
 *
 * Why slots live in a Y.Map keyed by id with an `order` key instead of a Y.Array: a Y.Array can
 * only "move" an element by deleting it and inserting a copy, and any edit another person makes
 * inside the deleted Y.Map at the same time (typing in its script) lands in the deleted copy
 * and is lost. With fractional keys a move rewrites one string (`order`) on the slot; the slot's
 * Y.Map, its texts and checklist are never recreated, so concurrent edits to a moving slot
 * survive. Two people moving the same slot at once: last writer wins on `order` (the slot ends
 * up in one of the two places, nothing is lost). Two people inserting at the same place get the
 * same key; on-air order then sorts ties by slot id (deterministic on every replica) and the
 * next move or insert renumbers the tied run (`fixTies`).
 *
 * Every mutation below runs in one transaction so a remote peer never sees half of it.
 */
import * as Y from 'yjs';
import { isOrderKey, keyBetween, keysBetween } from './order-key';

export const BOARD_SHAPE_VERSION = 1;

export type CrossSellRole = 'traffic' | 'profit';
export interface CrossSell {
	role: CrossSellRole;
	pairSlotId: string;
}

export interface ChecklistItem {
	id: string;
	text: string;
	done: boolean;
}

/** A slot as plain data (exports, `readBoardSlots`, templates). */
export interface BoardSlot {
	id: string;
	/** 1-based on-air position. */
	position: number;
	lotId: string;
	order: string;
	plannedAt: string;
	livePriceFen: number | null;
	lockQty: number;
	crossSell: CrossSell | null;
	notes: string;
	script: string;
	checklist: ChecklistItem[];
}

/** What creating a slot (or a whole board from a template) takes. */
export interface SlotInit {
	lotId: string;
	plannedAt?: string;
	livePriceFen?: number | null;
	lockQty?: number;
	notes?: string;
	script?: string;
	checklist?: { text: string; done?: boolean }[];
	/** Only honoured by `buildBoardState`, which re-pairs by index. */
	crossSell?: { role: CrossSellRole; pairIndex: number } | null;
}

export interface BoardMeta {
	broadcastAt: string;
}

export const LIMITS = {
	slots: 2000,
	textChars: 20_000,
	checklistItems: 50,
	checklistText: 200,
	priceFen: 100_000_000,
	lockQty: 10_000_000
} as const;

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const ID_RE = /^[0-9a-z]{6,32}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSlotId(v: unknown): v is string {
	return typeof v === 'string' && ID_RE.test(v);
}
export function isLotId(v: unknown): v is string {
	return typeof v === 'string' && UUID_RE.test(v);
}
export function isPlannedAt(v: unknown): v is string {
	return v === '' || (typeof v === 'string' && TIME_RE.test(v));
}
export function isPriceFen(v: unknown): v is number | null {
	return (
		v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= LIMITS.priceFen)
	);
}
export function isLockQty(v: unknown): v is number {
	return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= LIMITS.lockQty;
}

/** Random id for slots and checklist items (works in the browser and in Node 20). */
export function newId(len = 12): string {
	const bytes = new Uint8Array(len);
	globalThis.crypto.getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36];
	return out;
}

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('meta');
}
export function slotsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap('slots');
}

function str(v: unknown, fallback = ''): string {
	return typeof v === 'string' ? v : fallback;
}

/** The slot maps in on-air order: by `order`, ties by id. Malformed entries are left out. */
export function orderedSlotMaps(doc: Y.Doc): { id: string; order: string; map: Y.Map<unknown> }[] {
	const out: { id: string; order: string; map: Y.Map<unknown> }[] = [];
	for (const [id, map] of slotsMap(doc).entries()) {
		if (!(map instanceof Y.Map) || !isSlotId(id) || !isLotId(map.get('lotId'))) continue;
		const order = map.get('order');
		out.push({ id, order: isOrderKey(order) ? order : 'a0', map });
	}
	out.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1));
	return out;
}

function readCrossSell(v: unknown): CrossSell | null {
	if (!v || typeof v !== 'object') return null;
	const c = v as Record<string, unknown>;
	if ((c.role !== 'traffic' && c.role !== 'profit') || !isSlotId(c.pairSlotId)) return null;
	return { role: c.role, pairSlotId: c.pairSlotId };
}

function readChecklist(v: unknown): ChecklistItem[] {
	if (!(v instanceof Y.Array)) return [];
	const out: ChecklistItem[] = [];
	for (const item of v.toArray()) {
		if (!(item instanceof Y.Map)) continue;
		out.push({
			id: str(item.get('id')),
			text: str(item.get('text')),
			done: item.get('done') === true
		});
	}
	return out;
}

/** A slot's map as plain data; values that break the shape come back as their defaults. */
export function slotToPlain(id: string, map: Y.Map<unknown>, position: number): BoardSlot {
	const price = map.get('livePriceFen');
	const lock = map.get('lockQty');
	const plannedAt = map.get('plannedAt');
	const notes = map.get('notes');
	const script = map.get('script');
	return {
		id,
		position,
		lotId: str(map.get('lotId')),
		order: str(map.get('order')),
		plannedAt: isPlannedAt(plannedAt) ? plannedAt : '',
		livePriceFen: isPriceFen(price) ? price : null,
		lockQty: isLockQty(lock) ? lock : 0,
		crossSell: readCrossSell(map.get('crossSell')),
		notes: notes instanceof Y.Text ? notes.toString() : '',
		script: script instanceof Y.Text ? script.toString() : '',
		checklist: readChecklist(map.get('checklist'))
	};
}

/** Every slot as plain data, in on-air order. */
export function readSlots(doc: Y.Doc): BoardSlot[] {
	const slots = orderedSlotMaps(doc).map((s, i) => slotToPlain(s.id, s.map, i + 1));
	// A pair is only shown when both halves still point at each other.
	const byId = new Map(slots.map((s) => [s.id, s]));
	for (const s of slots) {
		const c = s.crossSell;
		if (!c) continue;
		const other = byId.get(c.pairSlotId)?.crossSell;
		if (!other || other.pairSlotId !== s.id || other.role === c.role) s.crossSell = null;
	}
	return slots;
}

export function readMeta(doc: Y.Doc): BoardMeta {
	const at = metaMap(doc).get('broadcastAt');
	return { broadcastAt: typeof at === 'string' ? at : '' };
}

function fillSlot(map: Y.Map<unknown>, id: string, order: string, init: SlotInit): void {
	map.set('id', id);
	map.set('lotId', init.lotId);
	map.set('order', order);
	map.set('plannedAt', isPlannedAt(init.plannedAt) ? init.plannedAt : '');
	map.set('livePriceFen', isPriceFen(init.livePriceFen) ? init.livePriceFen : null);
	map.set('lockQty', isLockQty(init.lockQty) ? init.lockQty : 0);
	map.set('crossSell', null);
	map.set('notes', new Y.Text((init.notes ?? '').slice(0, LIMITS.textChars)));
	map.set('script', new Y.Text((init.script ?? '').slice(0, LIMITS.textChars)));
	const list = new Y.Array<Y.Map<unknown>>();
	list.push(
		(init.checklist ?? [])
			.slice(0, LIMITS.checklistItems)
			.map((c) => checklistItem(c.text, c.done === true))
	);
	map.set('checklist', list);
}

function checklistItem(text: string, done = false): Y.Map<unknown> {
	const m = new Y.Map<unknown>();
	m.set('id', newId(8));
	m.set('text', text.slice(0, LIMITS.checklistText));
	m.set('done', done);
	return m;
}

/**
 * Gives every run of equal `order` keys distinct keys between its neighbours, keeping the
 * current (tie-by-id) order. Returns the list with fresh keys. Runs inside the caller's
 * transaction.
 */
function fixTies(list: { id: string; order: string; map: Y.Map<unknown> }[]) {
	for (let i = 0; i < list.length;) {
		let j = i;
		while (j + 1 < list.length && list[j + 1]!.order === list[i]!.order) j++;
		if (j > i) {
			const before = i > 0 ? list[i - 1]!.order : null;
			const after = j + 1 < list.length ? list[j + 1]!.order : null;
			const keys = keysBetween(before, after, j - i + 1);
			for (let k = i; k <= j; k++) {
				list[k]!.order = keys[k - i]!;
				list[k]!.map.set('order', keys[k - i]!);
			}
		}
		i = j + 1;
	}
	return list;
}

/** The key for a slot placed at `index` of `list` (a list that does not contain it). */
function keyAt(list: { order: string }[], index: number): string {
	const i = Math.max(0, Math.min(index, list.length));
	return keyBetween(i > 0 ? list[i - 1]!.order : null, i < list.length ? list[i]!.order : null);
}

/** Adds a slot at `index` (default: the end) and returns its id. */
export function addSlot(doc: Y.Doc, init: SlotInit, index?: number, origin?: unknown): string {
	if (!isLotId(init.lotId)) throw new Error('lotId must be a uuid');
	const id = newId();
	doc.transact(() => {
		const list = fixTies(orderedSlotMaps(doc));
		if (list.length >= LIMITS.slots) throw new Error('too many slots');
		const map = new Y.Map<unknown>();
		slotsMap(doc).set(id, map);
		fillSlot(map, id, keyAt(list, index ?? list.length), init);
	}, origin);
	return id;
}

/** Moves a slot to `index` in on-air order (0-based, counted without the slot itself). */
export function moveSlot(doc: Y.Doc, id: string, index: number, origin?: unknown): void {
	doc.transact(() => {
		const list = fixTies(orderedSlotMaps(doc));
		const me = list.find((s) => s.id === id);
		if (!me) return;
		const others = list.filter((s) => s.id !== id);
		const current = list.indexOf(me);
		if (current === Math.max(0, Math.min(index, others.length))) return;
		me.map.set('order', keyAt(others, index));
	}, origin);
}

/** Removes a slot and unpairs its cross-sell partner. */
export function removeSlot(doc: Y.Doc, id: string, origin?: unknown): void {
	doc.transact(() => {
		const slots = slotsMap(doc);
		const map = slots.get(id);
		if (!map) return;
		const pair = readCrossSell(map.get('crossSell'));
		if (pair) {
			const other = slots.get(pair.pairSlotId);
			if (other && readCrossSell(other.get('crossSell'))?.pairSlotId === id)
				other.set('crossSell', null);
		}
		slots.delete(id);
	}, origin);
}

export type ScalarField = 'plannedAt' | 'livePriceFen' | 'lockQty';

/** Sets one scalar field after checking it; returns false (and changes nothing) when invalid. */
export function setSlotField(
	doc: Y.Doc,
	id: string,
	field: ScalarField,
	value: string | number | null,
	origin?: unknown
): boolean {
	const ok =
		field === 'plannedAt'
			? isPlannedAt(value)
			: field === 'livePriceFen'
				? isPriceFen(value)
				: isLockQty(value);
	const map = slotsMap(doc).get(id);
	if (!ok || !map) return false;
	if (map.get(field) === value) return true;
	doc.transact(() => map.set(field, value), origin);
	return true;
}

/**
 * Pairs a cheap traffic item (引流款) with a profit item (利润款). Any previous partner of either
 * slot is unpaired in the same transaction.
 */
export function pairSlots(doc: Y.Doc, trafficId: string, profitId: string, origin?: unknown) {
	if (trafficId === profitId) return false;
	const slots = slotsMap(doc);
	const a = slots.get(trafficId);
	const b = slots.get(profitId);
	if (!a || !b) return false;
	doc.transact(() => {
		unpairIn(doc, trafficId);
		unpairIn(doc, profitId);
		a.set('crossSell', { role: 'traffic', pairSlotId: profitId });
		b.set('crossSell', { role: 'profit', pairSlotId: trafficId });
	}, origin);
	return true;
}

function unpairIn(doc: Y.Doc, id: string) {
	const slots = slotsMap(doc);
	const map = slots.get(id);
	if (!map) return;
	const pair = readCrossSell(map.get('crossSell'));
	if (pair) {
		const other = slots.get(pair.pairSlotId);
		if (other && readCrossSell(other.get('crossSell'))?.pairSlotId === id)
			other.set('crossSell', null);
	}
	if (map.get('crossSell') !== null) map.set('crossSell', null);
}

export function unpairSlot(doc: Y.Doc, id: string, origin?: unknown): void {
	doc.transact(() => unpairIn(doc, id), origin);
}

function checklistOf(doc: Y.Doc, slotId: string): Y.Array<Y.Map<unknown>> | undefined {
	const list = slotsMap(doc).get(slotId)?.get('checklist');
	return list instanceof Y.Array ? (list as Y.Array<Y.Map<unknown>>) : undefined;
}

export function addChecklistItem(doc: Y.Doc, slotId: string, text: string, origin?: unknown) {
	const list = checklistOf(doc, slotId);
	const clean = text.trim();
	if (!list || !clean || list.length >= LIMITS.checklistItems) return false;
	doc.transact(() => list.push([checklistItem(clean)]), origin);
	return true;
}

function findItem(doc: Y.Doc, slotId: string, itemId: string) {
	const list = checklistOf(doc, slotId);
	if (!list) return undefined;
	const index = list.toArray().findIndex((m) => m instanceof Y.Map && m.get('id') === itemId);
	return index < 0 ? undefined : { list, index, map: list.get(index) };
}

export function setChecklistDone(
	doc: Y.Doc,
	slotId: string,
	itemId: string,
	done: boolean,
	origin?: unknown
) {
	const found = findItem(doc, slotId, itemId);
	if (!found) return;
	doc.transact(() => found.map.set('done', done), origin);
}

export function removeChecklistItem(doc: Y.Doc, slotId: string, itemId: string, origin?: unknown) {
	const found = findItem(doc, slotId, itemId);
	if (!found) return;
	doc.transact(() => found.list.delete(found.index, 1), origin);
}

export function setBroadcastAt(doc: Y.Doc, iso: string, origin?: unknown) {
	if (iso !== '' && Number.isNaN(Date.parse(iso))) return false;
	doc.transact(() => metaMap(doc).set('broadcastAt', iso), origin);
	return true;
}

/**
 * A whole board as one Yjs update, for new boards, templates, duplicates and the demo seed.
 * Built in a fresh document, so the copy carries no edit history of its source.
 */
export function buildBoardState(meta: Partial<BoardMeta>, slots: SlotInit[]): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		const m = metaMap(doc);
		m.set('v', BOARD_SHAPE_VERSION);
		m.set('broadcastAt', meta.broadcastAt ?? '');
		const keys = keysBetween(null, null, slots.length);
		const ids = slots.map(() => newId());
		slots.forEach((init, i) => {
			const map = new Y.Map<unknown>();
			slotsMap(doc).set(ids[i]!, map);
			fillSlot(map, ids[i]!, keys[i]!, init);
		});
		slots.forEach((init, i) => {
			const c = init.crossSell;
			const pairId = c ? ids[c.pairIndex] : undefined;
			if (c && pairId && pairId !== ids[i]) {
				slotsMap(doc).get(ids[i]!)!.set('crossSell', { role: c.role, pairSlotId: pairId });
			}
		});
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/** Plain slots back into `SlotInit`s (pairs kept by index), for duplicating and templates. */
export function slotsToInits(slots: BoardSlot[]): SlotInit[] {
	const index = new Map(slots.map((s, i) => [s.id, i]));
	return slots.map((s) => ({
		lotId: s.lotId,
		plannedAt: s.plannedAt,
		livePriceFen: s.livePriceFen,
		lockQty: s.lockQty,
		notes: s.notes,
		script: s.script,
		checklist: s.checklist.map((c) => ({ text: c.text, done: c.done })),
		crossSell:
			s.crossSell && index.has(s.crossSell.pairSlotId)
				? { role: s.crossSell.role, pairIndex: index.get(s.crossSell.pairSlotId)! }
				: null
	}));
}

/** Reads a stored state (one merged update) into plain slots without keeping a document. */
export function slotsFromState(state: Uint8Array | null): { meta: BoardMeta; slots: BoardSlot[] } {
	const doc = new Y.Doc();
	try {
		if (state && state.length > 0) Y.applyUpdate(doc, state);
		return { meta: readMeta(doc), slots: readSlots(doc) };
	} finally {
		doc.destroy();
	}
}

/** Broadcasts are planned in China time (UTC+8, no daylight saving). */
const BROADCAST_UTC_OFFSET_MIN = 8 * 60;

/**
 * A slot's on-air time as an ISO instant: `plannedAt` ('HH:MM', China time) on the day of the
 * board's `broadcastAt`; a time more than two hours before the broadcast start falls on the
 * next day (a show that runs past midnight). Undefined when either is missing.
 */
export function plannedInstant(broadcastAt: string, plannedAt: string): string | undefined {
	if (!broadcastAt || !isPlannedAt(plannedAt) || plannedAt === '') return undefined;
	const start = Date.parse(broadcastAt);
	if (Number.isNaN(start)) return undefined;
	const offsetMs = BROADCAST_UTC_OFFSET_MIN * 60_000;
	const local = new Date(start + offsetMs); // wall clock in China, read with getUTC*
	const [h, m] = plannedAt.split(':').map(Number) as [number, number];
	let t =
		Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), h, m) - offsetMs;
	if (t < start - 2 * 60 * 60_000) t += 24 * 60 * 60_000;
	return new Date(t).toISOString();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in China time ('' for ''). */
export function toBroadcastInput(iso: string): string {
	const t = Date.parse(iso);
	if (!iso || Number.isNaN(t)) return '';
	const d = new Date(t + BROADCAST_UTC_OFFSET_MIN * 60_000);
	return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** A `datetime-local` value read as China time, as an ISO instant ('' when empty or invalid). */
export function fromBroadcastInput(value: string): string {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return '';
	const t = Date.parse(`${value}+08:00`);
	return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

/** Date and time for people, always in China time (broadcasts are planned in it). */
export function formatBroadcastTime(
	iso: string | Date,
	locale: string,
	style: 'full' | 'short' = 'short'
): string {
	const d = typeof iso === 'string' ? new Date(iso) : iso;
	if (Number.isNaN(d.getTime())) return '';
	return d.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
		dateStyle: style,
		timeStyle: 'short',
		timeZone: 'Asia/Shanghai'
	});
}
