import { describe, expect, it } from 'vitest';
import { TRADE_ORDER_STATES } from '$lib/domain/trade/order-state';
import type { TradeOrderChangedV1 } from '$lib/realtime/events';
import {
	VersionBook,
	cartonsOf,
	countdown,
	formatCountdown,
	mergeEvent,
	rowsOf,
	splitCartons,
	tabCounts,
	tabOf,
	totalCartons,
	type QueueRow
} from './supplier-queue';

const row = (over: Partial<QueueRow> = {}): QueueRow => ({
	id: 'o1',
	number: 1001,
	state: 'paid',
	version: 2,
	timer: 'accept',
	dueAt: '2026-12-03T08:00:00.000Z',
	totalFen: 100_000,
	createdAt: '2026-12-02T08:00:00.000Z',
	actions: ['accept'],
	...over
});

const event = (over: Partial<TradeOrderChangedV1> = {}): TradeOrderChangedV1 => ({
	id: 'o1',
	number: 1001,
	state: 'accepted',
	version: 3,
	buyerOrgId: 'b',
	supplierId: 's',
	dueAt: '2026-12-05T08:00:00.000Z',
	timer: 'ship',
	totalFen: 100_000,
	change: 'changed',
	at: '2026-12-02T09:00:00.000Z',
	...over
});

describe('tabs', () => {
	it('puts every paid state on exactly one tab and leaves unpaid orders out', () => {
		expect(tabOf('paid')).toBe('to_accept');
		expect(tabOf('accepted')).toBe('to_ship');
		expect(tabOf('packed')).toBe('to_ship');
		expect(tabOf('shipped')).toBe('shipped');
		expect(tabOf('arrived')).toBe('inspecting');
		expect(tabOf('inspecting')).toBe('inspecting');
		expect(tabOf('released')).toBe('done');
		expect(tabOf('cancelled_sla')).toBe('cancelled');
		expect(tabOf('pending_payment')).toBeNull();
		for (const s of TRADE_ORDER_STATES) {
			if (s !== 'pending_payment') expect(tabOf(s), s).not.toBeNull();
		}
	});

	it('lists the oldest first on open tabs and the newest first on closed ones, and counts open tabs', () => {
		const a = row({ id: 'a', number: 1, createdAt: '2026-12-01T00:00:00Z' });
		const b = row({ id: 'b', number: 2, createdAt: '2026-12-02T00:00:00Z' });
		const c = row({ id: 'c', number: 3, state: 'released', createdAt: '2026-12-01T00:00:00Z' });
		const d = row({ id: 'd', number: 4, state: 'released', createdAt: '2026-12-02T00:00:00Z' });
		expect(rowsOf([b, a, c, d], 'to_accept').map((r) => r.id)).toEqual(['a', 'b']);
		expect(rowsOf([b, a, c, d], 'done').map((r) => r.id)).toEqual(['d', 'c']);
		expect(tabCounts([a, b, c, d, row({ id: 'e', state: 'packed' })])).toEqual({
			to_accept: 2,
			to_ship: 1
		});
	});
});

describe('live merge', () => {
	it('applies a newer event: state, timer, deadline and the supplier’s actions follow', () => {
		const m = mergeEvent(row(), event());
		expect(m.kind).toBe('updated');
		if (m.kind !== 'updated') return;
		expect(m.row).toMatchObject({
			state: 'accepted',
			version: 3,
			timer: 'ship',
			dueAt: '2026-12-05T08:00:00.000Z'
		});
		expect(m.row.actions).toEqual(['pack', 'ship']);
	});

	it('drops an event at or below the version shown (late or duplicate)', () => {
		expect(mergeEvent(row({ version: 3 }), event({ version: 3 })).kind).toBe('stale');
		expect(mergeEvent(row({ version: 5 }), event({ version: 4 })).kind).toBe('stale');
	});

	it('asks for a reload for an order the list does not hold', () => {
		expect(mergeEvent(undefined, event({ change: 'created' })).kind).toBe('unknown');
	});

	it('brings a list loaded before an event up to it, and never back', () => {
		const book = new VersionBook();
		expect(book.note(event({ version: 4, state: 'packed' }))).toBe(true);
		expect(book.note(event({ version: 3, state: 'accepted' }))).toBe(false);
		const [r] = book.apply([row({ version: 2 })]);
		expect(r).toMatchObject({ state: 'packed', version: 4 });
		const [s] = book.apply([row({ version: 6, state: 'shipped' })]);
		expect(s).toMatchObject({ state: 'shipped', version: 6 });
	});
});

describe('countdown', () => {
	const now = new Date('2026-12-02T08:00:00Z').getTime();
	it('counts down to the running timer and turns urgent and overdue', () => {
		const c = countdown({ timer: 'accept', dueAt: '2026-12-03T08:00:00Z' }, now, 24);
		expect(c).toMatchObject({
			timer: 'accept',
			remainingMs: 86_400_000,
			overdue: false,
			urgent: false
		});
		expect(formatCountdown(c!.remainingMs)).toBe('24:00:00');
		const late = countdown({ timer: 'ship', dueAt: '2026-12-02T07:59:00Z' }, now, 72);
		expect(late).toMatchObject({ overdue: true, urgent: true });
		expect(formatCountdown(late!.remainingMs)).toBe('0:01:00');
		expect(countdown({ timer: 'accept', dueAt: '2026-12-02T13:00:00Z' }, now, 24)?.urgent).toBe(
			true
		);
		expect(countdown({ timer: null, dueAt: null }, now)).toBeNull();
	});
});

describe('cartons', () => {
	it('rounds each line up to whole cartons and splits them over parcels', () => {
		expect(cartonsOf(500, 50)).toBe(10);
		expect(cartonsOf(501, 50)).toBe(11);
		expect(cartonsOf(7, 1)).toBe(7);
		expect(
			totalCartons([
				{ quantity: 500, piecesPerCarton: 50 },
				{ quantity: 30, piecesPerCarton: 12 }
			])
		).toBe(13);
		expect(splitCartons(13, 2)).toEqual([7, 6]);
		expect(splitCartons(13, 3)).toEqual([5, 4, 4]);
		expect(splitCartons(1, 2)).toEqual([1, 1]);
	});
});
