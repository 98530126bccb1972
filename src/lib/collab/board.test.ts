import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addChecklistItem,
	addSlot,
	buildBoardState,
	moveSlot,
	pairSlots,
	formatBroadcastTime,
	fromBroadcastInput,
	plannedInstant,
	readSlots,
	toBroadcastInput,
	removeSlot,
	setSlotField,
	slotsFromState,
	slotsMap,
	slotsToInits
} from './board';

const LOT = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Two replicas that exchange updates only when told to (a network we can cut). */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	const sync = () => {
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
	};
	return { a, b, sync };
}

const lots = (doc: Y.Doc) => readSlots(doc).map((s) => s.lotId);
const scriptOf = (doc: Y.Doc, id: string) => slotsMap(doc).get(id)!.get('script') as Y.Text;

describe('board document', () => {
	it('adds, moves and removes slots in on-air order', () => {
		const doc = new Y.Doc();
		const ids = [1, 2, 3, 4].map((n) => addSlot(doc, { lotId: LOT(n) }));
		expect(lots(doc)).toEqual([LOT(1), LOT(2), LOT(3), LOT(4)]);
		moveSlot(doc, ids[3]!, 0);
		expect(lots(doc)).toEqual([LOT(4), LOT(1), LOT(2), LOT(3)]);
		moveSlot(doc, ids[3]!, 2);
		expect(lots(doc)).toEqual([LOT(1), LOT(2), LOT(4), LOT(3)]);
		addSlot(doc, { lotId: LOT(5) }, 1);
		expect(lots(doc)).toEqual([LOT(1), LOT(5), LOT(2), LOT(4), LOT(3)]);
		removeSlot(doc, ids[1]!);
		expect(lots(doc)).toEqual([LOT(1), LOT(5), LOT(4), LOT(3)]);
		expect(readSlots(doc).map((s) => s.position)).toEqual([1, 2, 3, 4]);
	});

	it('keeps concurrent script edits to a slot that another person moves', () => {
		const { a, b, sync } = pair();
		const ids = [1, 2, 3].map((n) => addSlot(a, { lotId: LOT(n), script: '开场' }));
		sync();
		// offline from each other: A moves slot 3 to the top, B types into slot 3's script
		moveSlot(a, ids[2]!, 0);
		scriptOf(b, ids[2]!).insert(2, '，瑕疵在袖口');
		sync();
		for (const d of [a, b]) {
			expect(lots(d)).toEqual([LOT(3), LOT(1), LOT(2)]);
			expect(readSlots(d)[0]!.script).toBe('开场，瑕疵在袖口');
		}
	});

	it('converges when two people insert at the same place, and the next move renumbers the tie', () => {
		const { a, b, sync } = pair();
		addSlot(a, { lotId: LOT(1) });
		addSlot(a, { lotId: LOT(2) });
		sync();
		const x = addSlot(a, { lotId: LOT(10) }, 1);
		const y = addSlot(b, { lotId: LOT(20) }, 1);
		sync();
		expect(lots(a)).toEqual(lots(b));
		expect(lots(a)[0]).toBe(LOT(1));
		expect(lots(a)[3]).toBe(LOT(2));
		const tied = slotsMap(a).get(x)!.get('order');
		expect(slotsMap(a).get(y)!.get('order')).toBe(tied);
		moveSlot(a, x, 3);
		sync();
		const orders = readSlots(b).map((s) => s.order);
		expect(new Set(orders).size).toBe(4);
		expect(lots(b)).toEqual(lots(a));
		expect(lots(b)[3]).toBe(LOT(10));
	});

	it('validates scalar fields and pairs cross-sell slots both ways', () => {
		const doc = new Y.Doc();
		const t = addSlot(doc, { lotId: LOT(1) });
		const p = addSlot(doc, { lotId: LOT(2) });
		expect(setSlotField(doc, t, 'livePriceFen', 1990)).toBe(true);
		expect(setSlotField(doc, t, 'livePriceFen', 19.9)).toBe(false);
		expect(setSlotField(doc, t, 'lockQty', -1)).toBe(false);
		expect(setSlotField(doc, t, 'plannedAt', '20:05')).toBe(true);
		expect(setSlotField(doc, t, 'plannedAt', '25:00')).toBe(false);
		pairSlots(doc, t, p);
		const [st, sp] = readSlots(doc);
		expect(st).toMatchObject({ livePriceFen: 1990, plannedAt: '20:05', lockQty: 0 });
		expect(st!.crossSell).toEqual({ role: 'traffic', pairSlotId: p });
		expect(sp!.crossSell).toEqual({ role: 'profit', pairSlotId: t });
		removeSlot(doc, p);
		expect(readSlots(doc)[0]!.crossSell).toBeNull();
	});

	it('round-trips a board through buildBoardState, with fresh ids and pairs kept', () => {
		const doc = new Y.Doc();
		const t = addSlot(doc, { lotId: LOT(1), script: '讲解', checklist: [{ text: '试穿' }] });
		const p = addSlot(doc, { lotId: LOT(2), notes: '备注' });
		pairSlots(doc, t, p);
		addChecklistItem(doc, t, '展示瑕疵');
		const copy = slotsFromState(buildBoardState({ broadcastAt: '' }, slotsToInits(readSlots(doc))));
		expect(copy.slots.map((s) => s.lotId)).toEqual([LOT(1), LOT(2)]);
		expect(copy.slots[0]!.id).not.toBe(t);
		expect(copy.slots[0]!.script).toBe('讲解');
		expect(copy.slots[0]!.checklist.map((c) => c.text)).toEqual(['试穿', '展示瑕疵']);
		expect(copy.slots[1]!.notes).toBe('备注');
		expect(copy.slots[0]!.crossSell).toEqual({ role: 'traffic', pairSlotId: copy.slots[1]!.id });
	});

	it('ignores malformed entries written by a misbehaving client', () => {
		const doc = new Y.Doc();
		addSlot(doc, { lotId: LOT(1) });
		slotsMap(doc).set('bad', new Y.Map());
		const m = new Y.Map<unknown>();
		slotsMap(doc).set('abcdefabcdef', m);
		m.set('lotId', LOT(2));
		m.set('livePriceFen', 'free');
		m.set('order', '!!');
		const slots = readSlots(doc);
		expect(slots).toHaveLength(2);
		expect(slots.find((s) => s.lotId === LOT(2))).toMatchObject({ livePriceFen: null, script: '' });
	});
});

describe('on-air times', () => {
	it('reads HH:MM as China time on the broadcast day, past midnight as the next day', () => {
		// broadcast starts 2026-12-04 20:00 China time
		const at = '2026-12-04T12:00:00.000Z';
		expect(plannedInstant(at, '20:10')).toBe('2026-12-04T12:10:00.000Z');
		expect(plannedInstant(at, '19:30')).toBe('2026-12-04T11:30:00.000Z'); // warm-up before start
		expect(plannedInstant(at, '00:30')).toBe('2026-12-04T16:30:00.000Z');
		expect(plannedInstant(at, '')).toBeUndefined();
		expect(plannedInstant('', '20:00')).toBeUndefined();
	});
});

describe('broadcast time inputs', () => {
	it('reads and writes datetime-local values as China time', () => {
		expect(toBroadcastInput('2026-12-04T12:00:00.000Z')).toBe('2026-12-04T20:00');
		expect(fromBroadcastInput('2026-12-04T20:00')).toBe('2026-12-04T12:00:00.000Z');
		expect(fromBroadcastInput('tomorrow')).toBe('');
		expect(toBroadcastInput('')).toBe('');
		expect(formatBroadcastTime('2026-12-04T12:00:00.000Z', 'en')).toBe('04/12/2026, 20:00');
	});
});
