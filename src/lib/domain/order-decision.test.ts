import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from './policy';
import { applyTakes, decideOrder, type DecisionLock, type DecisionLot } from './order-decision';

const lot = (id: string, over: Partial<DecisionLot> = {}): DecisionLot => ({
	id,
	status: 'active',
	dropshipAllowed: true,
	commissionBp: 1500,
	onHand: 10,
	locked: 0,
	allocated: 0,
	...over
});
const lock = (id: string, lotId: string, quantity: number): DecisionLock => ({
	id,
	lotId,
	quantity,
	consumed: 0,
	take: 0
});
const withFree = (allow: boolean): Policy => ({
	...DEFAULT_POLICY,
	orders: { ...DEFAULT_POLICY.orders, allowFreeStock: allow }
});

describe('decideOrder', () => {
	it('takes units from the show locks oldest first', () => {
		const lots = new Map([['a', lot('a', { locked: 5 })]]);
		const locks = new Map([['a', [lock('k1', 'a', 2), lock('k2', 'a', 3)]]]);
		const v = decideOrder([{ lotId: 'a', quantity: 4 }], lots, locks, null, withFree(false));
		expect(v).toEqual({
			ok: true,
			takes: [
				{
					lotId: 'a',
					fromLocks: 4,
					fromFree: 0,
					perLock: [
						['k1', 2],
						['k2', 2]
					]
				}
			],
			freeByLine: [0],
			commissionByLine: [1500]
		});
	});

	it('refuses lines beyond the locks unless free stock is allowed, naming what is available', () => {
		const lots = new Map([['a', lot('a', { onHand: 10, locked: 2, allocated: 5 })]]);
		const locks = new Map([['a', [lock('k1', 'a', 2)]]]);
		const lines = [
			{ lotId: 'a', quantity: 1 },
			{ lotId: 'a', quantity: 3 }
		];
		const no = decideOrder(lines, lots, locks, null, withFree(false));
		expect(no).toMatchObject({
			ok: false,
			refusal: { code: 'insufficient_stock', field: 'lines.0.quantity', details: { available: 2 } }
		});
		// Free stock 3 (10 − 2 − 5): 2 from the lock and 2 free fit; attributed to the last line.
		const yes = decideOrder(lines, lots, locks, null, withFree(true));
		expect(yes).toMatchObject({ ok: true, freeByLine: [0, 2] });
		const tooMany = decideOrder([{ lotId: 'a', quantity: 6 }], lots, locks, null, withFree(true));
		expect(tooMany).toMatchObject({ ok: false, refusal: { details: { available: 5 } } });
	});

	it('refuses unknown, unavailable, non-dropship lots and commissions outside the band', () => {
		const lots = new Map([
			['off', lot('off', { status: 'blocked' })],
			['nodrop', lot('nodrop', { dropshipAllowed: false })],
			['ok', lot('ok')]
		]);
		const d = (lotId: string, deal: number | null = null) =>
			decideOrder([{ lotId, quantity: 1 }], lots, new Map(), deal, withFree(true));
		expect(d('missing')).toMatchObject({ ok: false, refusal: { code: 'not_found' } });
		expect(d('off')).toMatchObject({ ok: false, refusal: { code: 'lot_unavailable' } });
		expect(d('nodrop')).toMatchObject({ ok: false, refusal: { code: 'dropship_not_allowed' } });
		expect(d('ok', 99_999)).toMatchObject({
			ok: false,
			refusal: { code: 'commission_out_of_range' }
		});
		expect(d('ok', 1800)).toMatchObject({ ok: true, commissionByLine: [1800] });
	});
});

describe('applyTakes', () => {
	it('moves the batch state so the next order sees what is left', () => {
		const lots = new Map([['a', lot('a', { onHand: 5, locked: 3 })]]);
		const locks = new Map([['a', [lock('k1', 'a', 3)]]]);
		const totals = new Map<string, { fromLocks: number; total: number }>();
		const policy = withFree(true);
		const first = decideOrder([{ lotId: 'a', quantity: 4 }], lots, locks, null, policy);
		if (!first.ok) throw new Error('refused');
		applyTakes(first.takes, lots, locks, totals);
		expect(lots.get('a')).toMatchObject({ locked: 0, allocated: 4 });
		expect(locks.get('a')![0]).toMatchObject({ quantity: 0, consumed: 3, take: 3 });
		expect(totals.get('a')).toEqual({ fromLocks: 3, total: 4 });
		// One unit is left free: a second order of two is refused, one of one is placed.
		expect(decideOrder([{ lotId: 'a', quantity: 2 }], lots, locks, null, policy).ok).toBe(false);
		expect(decideOrder([{ lotId: 'a', quantity: 1 }], lots, locks, null, policy).ok).toBe(true);
	});
});
