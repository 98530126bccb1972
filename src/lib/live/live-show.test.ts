import { describe, expect, it } from 'vitest';
import type { FulfilmentChangedV1 } from '$lib/realtime/events';
import { LiveShow } from './live-show.svelte';

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
