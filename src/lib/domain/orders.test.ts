import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY as policy } from './policy';
import {
	FULFILMENT_ACTIONS,
	FULFILMENT_STATUSES,
	availableActions,
	checkTransition,
	claimTriggersReplacement,
	packagingFor,
	quoteFreight,
	slaState,
	splitByShipper
} from './orders';

const H = 3_600_000;

describe('fulfilment state machine', () => {
	it('walks the happy path', () => {
		const ctx = { policy };
		expect(checkTransition('pending', 'accept', 'supplier', ctx)).toEqual({
			ok: true,
			to: 'accepted'
		});
		expect(checkTransition('accepted', 'pack', 'supplier', ctx)).toEqual({
			ok: true,
			to: 'packed'
		});
		expect(checkTransition('packed', 'ship', 'supplier', ctx)).toEqual({ ok: true, to: 'shipped' });
		expect(checkTransition('shipped', 'deliver', 'team', ctx)).toEqual({
			ok: true,
			to: 'delivered'
		});
	});

	it('refuses illegal moves and the wrong side', () => {
		expect(checkTransition('pending', 'ship', 'supplier', { policy })).toEqual({
			ok: false,
			reason: 'illegal'
		});
		expect(checkTransition('shipped', 'cancel', 'team', { policy })).toEqual({
			ok: false,
			reason: 'illegal'
		});
		expect(checkTransition('pending', 'accept', 'team', { policy })).toEqual({
			ok: false,
			reason: 'wrong_side'
		});
		// Closed states accept nothing.
		for (const s of ['cancelled', 'returned', 'out_of_stock'] as const) {
			for (const a of FULFILMENT_ACTIONS) {
				expect(checkTransition(s, a, 'supplier', { policy }).ok).toBe(false);
				expect(checkTransition(s, a, 'team', { policy }).ok).toBe(false);
			}
		}
	});

	it('allows a return only within the window', () => {
		const deliveredAt = new Date('2026-01-01T00:00:00Z');
		const inside = new Date(deliveredAt.getTime() + 7 * 24 * H);
		const outside = new Date(inside.getTime() + 1);
		expect(
			checkTransition('delivered', 'return', 'team', { policy, deliveredAt, now: inside }).ok
		).toBe(true);
		expect(
			checkTransition('delivered', 'return', 'team', { policy, deliveredAt, now: outside })
		).toEqual({
			ok: false,
			reason: 'return_window_closed'
		});
	});

	it('lists the buttons each side gets', () => {
		expect(availableActions('pending', 'supplier')).toEqual([
			'accept',
			'cancel',
			'out_of_stock',
			'address_problem'
		]);
		expect(availableActions('address_problem', 'team')).toEqual(['cancel', 'address_fixed']);
		for (const s of FULFILMENT_STATUSES) {
			for (const a of availableActions(s, 'supplier')) {
				expect(checkTransition(s, a, 'supplier', { policy, deliveredAt: new Date() }).ok).toBe(
					true
				);
			}
		}
	});
});

describe('SLA', () => {
	const createdAt = new Date('2026-01-01T00:00:00Z');
	it('flags pending after 2 h and unshipped after 48 h', () => {
		const at = (h: number) => new Date(createdAt.getTime() + h * H);
		expect(slaState({ status: 'pending', createdAt }, at(2), policy).state).toBe('ok');
		expect(slaState({ status: 'pending', createdAt }, at(2.01), policy).state).toBe(
			'accept_overdue'
		);
		expect(slaState({ status: 'accepted', createdAt }, at(47), policy).state).toBe('ok');
		expect(slaState({ status: 'packed', createdAt }, at(48.5), policy).state).toBe('ship_overdue');
		expect(slaState({ status: 'shipped', createdAt }, at(100), policy)).toEqual({
			state: 'ok',
			deadline: null
		});
	});
	it('uses the due time of a replacement', () => {
		const dueAt = new Date(createdAt.getTime() + 24 * H);
		expect(
			slaState(
				{ status: 'accepted', createdAt, dueAt, kind: 'replacement' },
				new Date(dueAt.getTime() + 1),
				policy
			).state
		).toBe('replacement_overdue');
	});
});

describe('routing', () => {
	it('splits per supplier and warehouse', () => {
		const groups = splitByShipper([
			{ lotId: 'a', supplierId: 's1', warehouseProvince: '广东', warehouseCity: '广州' },
			{ lotId: 'b', supplierId: 's2', warehouseProvince: '浙江', warehouseCity: '杭州' },
			{ lotId: 'c', supplierId: 's1', warehouseProvince: '广东', warehouseCity: '广州' },
			{ lotId: 'd', supplierId: 's1', warehouseProvince: '福建', warehouseCity: '泉州' }
		]);
		expect(groups.map((g) => g.lines)).toEqual([[0, 2], [1], [3]]);
	});
	it('merges packaging instructions in canonical order', () => {
		expect(packagingFor(['repack'], [['relabel_live'], ['repack', 'bogus']])).toEqual([
			'relabel_live',
			'repack'
		]);
	});
});

describe('freight quotes', () => {
	const tiers = [
		{
			minPieces: 1,
			partnerBaseFen: 800,
			partnerPerPieceFen: 200,
			marketBaseFen: 1200,
			marketPerPieceFen: 300
		},
		{
			minPieces: 100,
			partnerBaseFen: 0,
			partnerPerPieceFen: 320,
			marketBaseFen: 0,
			marketPerPieceFen: 400
		}
	];
	it('takes the largest tier not above the piece count (Guangzhou → Jinan, 500 pieces)', () => {
		expect(quoteFreight(tiers, 500)).toMatchObject({
			partnerFen: 160_000,
			marketFen: 200_000,
			savingFen: 40_000
		});
		expect(quoteFreight(tiers, 99)).toMatchObject({ partnerFen: 800 + 99 * 200 });
	});
	it('has no quote without a tier or for a bad count', () => {
		expect(quoteFreight([], 5)).toBeNull();
		expect(quoteFreight(tiers, 0)).toBeNull();
		expect(quoteFreight(tiers, 1.5)).toBeNull();
	});
});

describe('severe defects', () => {
	it('needs 3 severely defective pieces with photos', () => {
		expect(claimTriggersReplacement(3, 3, policy)).toBe(true);
		expect(claimTriggersReplacement(2, 5, policy)).toBe(false);
		expect(claimTriggersReplacement(4, 2, policy)).toBe(false);
	});
});
