import { describe, expect, it } from 'vitest';
import {
	coalesced,
	Freshness,
	formatCountdown,
	inTab,
	shipTemplateCsv,
	slaKey,
	slaView,
	upsertSorted,
	type SlaFields
} from './fulfilment';

const H = 3_600_000;
const now = Date.parse('2026-05-01T10:00:00Z');
const at = (ms: number) => new Date(now + ms).toISOString();

describe('SLA timers', () => {
	it('counts down to acceptance while pending', () => {
		const f: SlaFields = {
			status: 'pending',
			kind: 'order',
			sla: { state: 'ok', deadline: at(2 * H - 1000) }
		};
		const v = slaView(f, now)!;
		expect(v).toEqual({ kind: 'accept', remainingMs: 2 * H - 1000, overdue: false });
		expect(slaKey(v)).toBe('orders.sla.accept');
		expect(formatCountdown(v.remainingMs)).toBe('1:59:59');
	});

	it('turns overdue when the deadline passes on the client clock, before the server says so', () => {
		const f: SlaFields = {
			status: 'accepted',
			kind: 'order',
			sla: { state: 'ok', deadline: at(-5000) }
		};
		const v = slaView(f, now)!;
		expect(v.kind).toBe('ship');
		expect(v.overdue).toBe(true);
		expect(slaKey(v)).toBe('orders.sla.ship_overdue');
		expect(formatCountdown(v.remainingMs)).toBe('0:00:05');
	});

	it('names the state the server found overdue', () => {
		expect(
			slaView(
				{
					status: 'pending',
					kind: 'replacement',
					sla: { state: 'accept_overdue', deadline: at(-H) }
				},
				now
			)
		).toMatchObject({ kind: 'accept', overdue: true });
		expect(
			slaView(
				{
					status: 'packed',
					kind: 'replacement',
					sla: { state: 'replacement_overdue', deadline: at(-H) }
				},
				now
			)
		).toMatchObject({ kind: 'replacement', overdue: true });
		expect(
			slaView(
				{ status: 'pending', kind: 'replacement', sla: { state: 'ok', deadline: at(20 * H) } },
				now
			)
		).toMatchObject({ kind: 'replacement', overdue: false });
	});

	it('shows nothing once shipped', () => {
		expect(
			slaView({ status: 'shipped', kind: 'order', sla: { state: 'ok', deadline: null } }, now)
		).toBe(null);
	});

	it('formats hours beyond a day without wrapping', () => {
		expect(formatCountdown(48 * H)).toBe('48:00:00');
		expect(formatCountdown(61_999)).toBe('0:01:01');
	});
});

describe('queue tabs and order', () => {
	it('filters like the queue service', () => {
		expect(inTab('open', 'pending')).toBe(true);
		expect(inTab('open', 'address_problem')).toBe(true);
		expect(inTab('open', 'shipped')).toBe(false);
		expect(inTab('exceptions', 'out_of_stock')).toBe(true);
		expect(inTab('shipped', 'shipped')).toBe(true);
		expect(inTab('delivered', 'shipped')).toBe(false);
		expect(inTab('all', 'cancelled')).toBe(true);
	});

	const f = (id: string, number: number, min: number) => ({
		id,
		number,
		createdAt: at(min * 60_000)
	});

	it('inserts a new card oldest first on the open tab and newest first elsewhere', () => {
		const list = [f('a', 1, 0), f('b', 2, 10)];
		expect(upsertSorted(list, f('c', 3, 20), true).map((x) => x.id)).toEqual(['a', 'b', 'c']);
		expect(upsertSorted(list, f('c', 3, 5), true).map((x) => x.id)).toEqual(['a', 'c', 'b']);
		const newest = [f('b', 2, 10), f('a', 1, 0)];
		expect(upsertSorted(newest, f('c', 3, 20), false).map((x) => x.id)).toEqual(['c', 'b', 'a']);
		expect(upsertSorted([], f('c', 3, 20), false).map((x) => x.id)).toEqual(['c']);
	});

	it('replaces a card in place', () => {
		const list = [f('a', 1, 0), f('b', 2, 10)];
		const moved = { ...f('a', 1, 0), number: 9 };
		expect(upsertSorted(list, moved, true)).toEqual([moved, list[1]]);
	});
});

describe('bulk-ship template', () => {
	it('has the Chinese headers, a BOM and one row per selected parcel', () => {
		const csv = shipTemplateCsv(
			['发货单号', '快递公司', '快递单号'],
			[
				{ number: 12, carrier: null },
				{ number: 13, carrier: '中通, 快运', trackingNo: 'ZT1' }
			],
			'顺丰速运'
		);
		expect(csv).toBe('\uFEFF发货单号,快递公司,快递单号\r\n12,顺丰速运,\r\n13,"中通, 快运",ZT1\r\n');
	});

	it('has an example row when nothing is selected', () => {
		expect(shipTemplateCsv(['number', 'carrier', 'tracking'], [], 'SF')).toContain('1001,SF,');
	});
});

describe('out-of-order answers', () => {
	it('applies only the newest fetch of a fulfilment', () => {
		const fr = new Freshness();
		const first = fr.begin('a');
		const second = fr.begin('a');
		expect(fr.isLatest('a', first)).toBe(false);
		expect(fr.isLatest('a', second)).toBe(true);
	});

	it('keeps a fulfilment fetched on its own after a whole-list fetch started', () => {
		const fr = new Freshness();
		fr.begin('old');
		const all = fr.beginAll();
		fr.begin('a');
		expect(fr.newerThan('a', all)).toBe(true);
		expect(fr.newerThan('old', all)).toBe(false);
		expect(fr.newerThan('never', all)).toBe(false);
	});

	it('folds reloads asked for while one runs into a single further run', async () => {
		let runs = 0;
		let release: () => void = () => undefined;
		const reload = coalesced(async () => {
			runs++;
			await new Promise<void>((r) => (release = r));
		});
		const p = reload();
		void reload();
		void reload();
		expect(runs).toBe(1);
		release();
		await new Promise((r) => setTimeout(r, 0));
		expect(runs).toBe(2);
		release();
		await p;
		expect(runs).toBe(2);
		void reload();
		expect(runs).toBe(3);
		release();
	});
});
