import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FulfilmentChangedV1, ShowStockChangedV1 } from '$lib/realtime/events';
import {
	HISTORY_LINES,
	LOCK_SENDS,
	LiveShow,
	mergeHistory,
	newIdempotencyKey,
	type HistoryEntry
} from './live-show.svelte';

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

describe('LiveShow lock presses', () => {
	const slot = {
		id: 'slot-1',
		position: 1,
		lotId: '22222222-2222-4222-8222-222222222222',
		title: '连衣裙',
		grade: 'B' as const,
		livePriceFen: 3500,
		plannedLockQty: 10,
		talkingPoints: '',
		defectDescription: null,
		supplierName: '供应商'
	};
	const granted = {
		ok: true as const,
		data: {
			lock: {} as never,
			counters: {} as never,
			replayed: false
		}
	};

	/** A socket whose acks follow `script`: 'lost' rejects like socket.io's timeout. */
	function fakeSocket(script: ('lost' | 'ok')[]) {
		const sent: { idempotencyKey?: string; quantity: number }[] = [];
		const socket = {
			timeout: () => ({
				emitWithAck: async (_event: string, p: { idempotencyKey?: string; quantity: number }) => {
					sent.push(p);
					const step = script.shift() ?? 'lost';
					if (step === 'lost') throw new Error('operation has timed out');
					return granted;
				}
			})
		};
		return { socket, sent };
	}
	const liveWith = (socket: unknown) => {
		const live = new LiveShow(showId, [slot], {
			status: 'live',
			currentSlotId: null,
			counters: []
		});
		(live as unknown as { socket: unknown }).socket = socket;
		(live as unknown as { refreshHistory: () => Promise<void> }).refreshHistory = async () => {};
		return live;
	};

	it('retries a lost answer with the same key, so the server grants one lock', async () => {
		const { socket, sent } = fakeSocket(['lost', 'ok']);
		const live = liveWith(socket);
		await live.lock(slot, 5);
		expect(sent).toHaveLength(2);
		expect(sent[0]!.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
		expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
		expect(live.notice).toEqual({ kind: 'ok', key: 'live.locked_ok', n: 5 });
	});

	it('after every send is lost, pressing again for the same lot and quantity re-sends that key', async () => {
		const { socket, sent } = fakeSocket(['lost', 'lost', 'lost', 'ok', 'ok']);
		const live = liveWith(socket);
		await live.lock(slot, 5);
		expect(live.notice).toMatchObject({ kind: 'error', code: 'timeout' });
		expect(sent).toHaveLength(LOCK_SENDS);
		await live.lock(slot, 5);
		expect(sent[LOCK_SENDS]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
		expect(live.notice).toMatchObject({ kind: 'ok' });
		// the answer came: the next press is a new lock with a new key
		await live.lock(slot, 5);
		expect(sent[LOCK_SENDS + 1]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
	});

	it('a different quantity after a lost answer is a new request with a new key', async () => {
		const { socket, sent } = fakeSocket(['lost', 'lost', 'lost', 'ok']);
		const live = liveWith(socket);
		await live.lock(slot, 5);
		await live.lock(slot, 6);
		expect(sent[LOCK_SENDS]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
		expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
	});
});
