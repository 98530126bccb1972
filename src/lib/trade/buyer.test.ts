import { describe, expect, it } from 'vitest';
import type { TradeOrderChangedV1 } from '$lib/realtime/events';
import {
	availableByLot,
	countdown,
	formatRemaining,
	groupCart,
	inOrderTab,
	isProvince,
	lineField,
	lineIndexOf,
	mergeLive,
	messagesByField,
	nextBreak,
	patchFromEvent,
	placeProblems,
	stateTone,
	type LiveFields
} from './buyer';
import type { CartGroupView, CartLineView } from './types';

const line = (over: Partial<CartLineView>): CartLineView => ({
	lotId: 'l1',
	title: 'T恤',
	grade: 'B',
	supplierId: 's1',
	supplierName: '甲厂',
	warehouse: { province: '广东省', city: '广州市' },
	coverUrl: null,
	quantity: 100,
	moq: 50,
	step: 10,
	available: 500,
	unitPriceFen: 3500,
	tagPriceFen: 29900,
	priceBreaks: [],
	packaging: [],
	goodsFen: 350000,
	packagingFen: 0,
	lineFen: 350000,
	...over
});

const group = (over: Partial<CartGroupView>): CartGroupView => ({
	supplierId: 's1',
	supplierName: '甲厂',
	warehouse: { province: '广东省', city: '广州市' },
	pieces: 100,
	mixedBatchMin: 50,
	goodsFen: 0,
	packagingFen: 0,
	freight: null,
	totalFen: 0,
	...over
});

describe('cart grouping and problems', () => {
	it('puts lines under their supplier and warehouse, keeping each line’s index', () => {
		const lines = [
			line({ lotId: 'a', supplierId: 's1' }),
			line({ lotId: 'b', supplierId: 's2', supplierName: '乙厂' }),
			line({ lotId: 'c', supplierId: 's1' }),
			line({ lotId: 'd', supplierId: 's1', warehouse: { province: '浙江省', city: '义乌市' } })
		];
		const groups = groupCart({
			lines,
			groups: [group({ supplierId: 's1' }), group({ supplierId: 's2' })]
		});
		expect(groups.map((g) => g.lines.map((l) => [l.lotId, l.index]))).toEqual([
			[
				['a', 0],
				['c', 2]
			],
			[['b', 1]],
			[['d', 3]]
		]);
		// the line without a group of the view still shows, in its own group without freight
		expect(groups[2]!.warehouse.city).toBe('义乌市');
		expect(groups[2]!.freight).toBeNull();
	});

	it('places every problem at its line and field, the rest at the top', () => {
		const { byLine, general } = placeProblems([
			{ field: 'lines.0.quantity', code: 'moq', message: 'm' },
			{ field: 'lines.12.quantity', code: 'step', message: 's' },
			{ field: 'lines.0.packaging', code: 'packaging', message: 'p' },
			{ field: 'lines', code: 'too_many_lines', message: 't' }
		]);
		expect(byLine.get(0)!.map((p) => p.code)).toEqual(['moq', 'packaging']);
		expect(byLine.get(12)!.map((p) => p.code)).toEqual(['step']);
		expect(general.map((p) => p.code)).toEqual(['too_many_lines']);
		expect(lineIndexOf('lines.7')).toBe(7);
		expect(lineIndexOf('shipTo.phone')).toBeNull();
		expect(lineIndexOf(undefined)).toBeNull();
		expect(lineField('lines.2.quantity')).toBe('quantity');
		expect(lineField('lines.2')).toBe('lotId');
	});

	it('names the next cheaper break above the quantity', () => {
		const breaks = [
			{ minQuantity: 200, unitPriceFen: 3200 },
			{ minQuantity: 500, unitPriceFen: 3000 }
		];
		expect(nextBreak(line({ quantity: 100, priceBreaks: breaks }))).toEqual({
			more: 100,
			unitPriceFen: 3200
		});
		expect(nextBreak(line({ quantity: 300, unitPriceFen: 3200, priceBreaks: breaks }))).toEqual({
			more: 200,
			unitPriceFen: 3000
		});
		expect(nextBreak(line({ quantity: 500, unitPriceFen: 3000, priceBreaks: breaks }))).toBeNull();
	});

	it('knows the provinces', () => {
		expect(isProvince('山东省')).toBe(true);
		expect(isProvince('山东')).toBe(false);
		expect(isProvince(3)).toBe(false);
	});
});

describe('timers', () => {
	const now = Date.parse('2026-12-02T10:00:00Z');
	it('counts down to the due time and says when it is past', () => {
		expect(countdown({ timer: 'unpaid', dueAt: '2026-12-02T10:30:00Z' }, now)).toEqual({
			timer: 'unpaid',
			remainingMs: 30 * 60_000,
			overdue: false
		});
		expect(countdown({ timer: 'inspection', dueAt: '2026-12-02T09:59:59Z' }, now)?.overdue).toBe(
			true
		);
		expect(countdown({ timer: null, dueAt: '2026-12-02T10:30:00Z' }, now)).toBeNull();
		expect(countdown({ timer: 'ship', dueAt: null }, now)).toBeNull();
	});
	it('formats hours beyond a day and never a negative time', () => {
		expect(formatRemaining(48 * 3_600_000 - 1000)).toBe('47:59:59');
		expect(formatRemaining(61_000)).toBe('0:01:01');
		expect(formatRemaining(-5000)).toBe('0:00:00');
	});
});

describe('live order rows', () => {
	const row: LiveFields & { number: number } = {
		id: 'o1',
		number: 7,
		state: 'pending_payment',
		version: 3,
		timer: 'unpaid',
		dueAt: '2026-12-02T10:30:00.000Z',
		totalFen: 100,
		actions: ['cancel']
	};
	const event = (over: Partial<TradeOrderChangedV1>): TradeOrderChangedV1 => ({
		id: 'o1',
		number: 7,
		state: 'paid',
		version: 4,
		buyerOrgId: 'b',
		supplierId: 's',
		dueAt: '2026-12-03T10:00:00.000Z',
		timer: 'accept',
		totalFen: 100,
		change: 'changed',
		at: '2026-12-02T10:01:00.000Z',
		...over
	});

	it('applies a newer event with the buyer’s actions of the new state', () => {
		const p = patchFromEvent(row, event({ state: 'arrived', version: 9, timer: 'inspection' }));
		expect(p).toMatchObject({ state: 'arrived', version: 9, timer: 'inspection', number: 7 });
		expect(p!.actions).toEqual(expect.arrayContaining(['start_inspection', 'accept_goods']));
	});

	it('drops events that are not newer, and events of other orders', () => {
		expect(patchFromEvent(row, event({ version: 3 }))).toBeNull();
		expect(patchFromEvent(row, event({ version: 2 }))).toBeNull();
		expect(patchFromEvent(row, event({ id: 'o2', version: 10 }))).toBeNull();
	});

	it('shows a patch only while it is newer than the server’s row', () => {
		const patch: typeof row = { ...row, state: 'paid', version: 4 };
		const patches = new Map([['o1', patch]]);
		expect(mergeLive([row], patches)[0]!.state).toBe('paid');
		// the reload brought version 5: the old patch no longer wins
		const reloaded: typeof row = { ...row, state: 'accepted', version: 5 };
		expect(mergeLive([reloaded], patches)[0]!.state).toBe('accepted');
	});

	it('keeps rows on the tab their state belongs to', () => {
		expect(inOrderTab('open', 'shipped')).toBe(true);
		expect(inOrderTab('open', 'released')).toBe(false);
		expect(inOrderTab('closed', 'cancelled_unpaid')).toBe(true);
		expect(inOrderTab('all', 'released')).toBe(true);
		expect(stateTone('pending_payment')).toBe('wait');
		expect(stateTone('cancelled_sla')).toBe('closed');
		expect(stateTone('released')).toBe('done');
	});
});

describe('failures at their fields', () => {
	it('lists every issue at its field, else the one message', () => {
		const m = messagesByField({
			code: 'invalid_input',
			message: 'first',
			field: 'shipTo.phone',
			issues: [
				{ field: 'shipTo.phone', message: '手机号不对' },
				{ field: 'shipTo.address', message: '地址必填' }
			]
		});
		expect(Object.fromEntries(m)).toEqual({
			'shipTo.phone': ['手机号不对'],
			'shipTo.address': ['地址必填']
		});
		expect(Object.fromEntries(messagesByField({ code: 'x', message: 'm' }))).toEqual({ '': ['m'] });
		expect(messagesByField(null).size).toBe(0);
	});

	it('reads the free stock of a 409 in each shape the service may send', () => {
		const lines = [{ lotId: 'a' }, { lotId: 'b' }];
		const base = { code: 'insufficient_stock', message: '库存不足' };
		expect(
			Object.fromEntries(
				availableByLot({ ...base, field: 'lines.1.quantity', available: 40 }, lines)
			)
		).toEqual({ b: 40 });
		expect(
			Object.fromEntries(
				availableByLot(
					{
						...base,
						available: [
							{ lotId: 'a', available: 3 },
							{ index: 1, available: 0 }
						]
					},
					lines
				)
			)
		).toEqual({ a: 3, b: 0 });
		expect(Object.fromEntries(availableByLot({ ...base, available: { a: 7 } }, lines))).toEqual({
			a: 7
		});
		expect(availableByLot({ code: 'moq', message: 'x', available: 3 }, lines).size).toBe(0);
		// the checkout service's shape: the first line's number and every short line listed
		expect(
			Object.fromEntries(
				availableByLot(
					{
						...base,
						field: 'lines.0.quantity',
						available: 5,
						lines: [
							{ field: 'lines.0.quantity', lotId: 'a', available: 5 },
							{ field: 'lines.1.quantity', lotId: 'b', available: 2 }
						]
					},
					lines
				)
			)
		).toEqual({ a: 5, b: 2 });
	});
});
