import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FulfilmentChangedV1, ShowStockChangedV1 } from '$lib/realtime/events';
import { HISTORY_LINES, LiveShow, mergeHistory, type HistoryEntry } from './live-show.svelte';

const showId = '11111111-1111-4111-8111-111111111111';
const item = (over: Partial<FulfilmentChangedV1>): FulfilmentChangedV1 => ({
	fulfilmentId: 'f',
	orderId: 'o',
	showId,
	supplierId: 's',
	teamId: 't',
	number: 1,
	status: 'pending',
	change: 'changed',
	at: '2026-11-26T12:00:00.000Z',
	...over
});

describe('LiveShow exceptions', () => {
	it('keeps out-of-stock and address problems of this show, newest first', () => {
		const live = new LiveShow(showId, [], { status: 'live', currentSlotId: null, counters: [] });
		live.noteExceptions({
			items: [
				item({ number: 7, status: 'out_of_stock' }),
				item({ number: 8, status: 'accepted' }),
				item({ number: 9, status: 'out_of_stock', showId: 'another' }),
				item({ number: 10, status: 'pending', change: 'created' })
			]
		});
		live.noteExceptions({ items: [item({ number: 11, status: 'address_problem' })] });
		expect(live.exceptions.map((x) => [x.number, x.status])).toEqual([
			[11, 'address_problem'],
			[7, 'out_of_stock']
		]);
	});
});

const entry = (id: number, delta = 10): HistoryEntry => ({
	id,
	lotId: 'lot',
	kind: 'acquire',
	delta,
	system: false,
	at: '2026-12-02T12:00:00.000Z',
	actorName: '场控 阿杰'
});
const counters = (lockedInShow: number, version: number): ShowStockChangedV1 => ({
	showId,
	lotId: 'lot',
	onHand: 500,
	locked: lockedInShow,
	allocated: 0,
	available: 500 - lockedInShow,
	version,
	at: '2026-12-02T12:00:00.000Z',
	lockedInShow,
	soldInShow: 0
});

describe('LiveShow lock record', () => {
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllGlobals();
	});

	it('merges newer lines in front, each event once, at most the lines the console keeps', () => {
		expect(
			mergeHistory([entry(3), entry(2)], [entry(5), entry(4), entry(3)]).map((h) => h.id)
		).toEqual([5, 4, 3, 2]);
		const many = Array.from({ length: HISTORY_LINES + 5 }, (_, i) => entry(i + 1));
		const merged = mergeHistory([], many);
		expect(merged).toHaveLength(HISTORY_LINES);
		expect(merged[0]!.id).toBe(HISTORY_LINES + 5);
	});

	it('fetches the new lines when what the show holds locked changes (someone else locked)', async () => {
		vi.useFakeTimers();
		const fetched: string[] = [];
		vi.stubGlobal(
			'fetch',
			vi.fn(async (url: string) => {
				fetched.push(url);
				return new Response(JSON.stringify({ events: [entry(8, 50)] }), { status: 200 });
			})
		);
		const live = new LiveShow(showId, [], {
			status: 'live',
			currentSlotId: null,
			counters: [counters(10, 1)],
			history: [entry(7)]
		});
		live.apply(counters(10, 2)); // a sale elsewhere: nothing locked changed
		await vi.advanceTimersByTimeAsync(500);
		expect(fetched).toEqual([]);
		live.apply(counters(60, 3));
		live.apply(counters(60, 3));
		await vi.advanceTimersByTimeAsync(500);
		expect(fetched).toEqual([`/api/v1/shows/${showId}/history?after=7`]);
		expect(live.history.map((h) => h.id)).toEqual([8, 7]);
	});

	it('a successful action takes down an earlier 库存不足 refusal', async () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(async () => new Response(JSON.stringify({ events: [] }), { status: 200 }))
		);
		const live = new LiveShow(showId, [], { status: 'live', currentSlotId: null, counters: [] });
		live.notice = { kind: 'error', code: 'insufficient_stock', message: 'x', available: 3 };
		await live.transition('ended');
		expect(live.notice).toBeNull();
	});
});
