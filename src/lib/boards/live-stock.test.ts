import { describe, expect, it } from 'vitest';
import { LiveStock } from './live-stock.svelte';

describe('live stock on board cards', () => {
	it('keeps the newest counters and drops updates older than what is shown', () => {
		const s = new LiveStock();
		const lotId = '00000000-0000-4000-8000-000000000001';
		s.seed(lotId, { onHand: 100, locked: 0, allocated: 0, available: 100, version: 3 });
		s.apply({ lotId, onHand: 100, locked: 10, allocated: 0, available: 90, version: 5 });
		expect(s.byLot.get(lotId)?.available).toBe(90);
		// a late, older event (out of order) is ignored
		s.apply({ lotId, onHand: 100, locked: 5, allocated: 0, available: 95, version: 4 });
		expect(s.byLot.get(lotId)).toMatchObject({ available: 90, version: 5 });
		s.apply({ lotId, onHand: 100, locked: 10, allocated: 20, available: 70, version: 6 });
		expect(s.byLot.get(lotId)).toMatchObject({ available: 70, allocated: 20, version: 6 });
	});
});
