import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from './policy';
import {
	checkSampleRequest,
	creditExpiresAt,
	creditFor,
	defaultSampleSettings,
	formatTagNumber,
	nextSample,
	packingListReference,
	parseTagNumber,
	pickCredit,
	sampleDue,
	sealReference,
	validateSampleSettings,
	type SampleClock,
	type SampleForCredit
} from './samples';

const T0 = new Date('2026-04-01T00:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * HOUR_MS);

describe('sample settings and requests', () => {
	it('starts from ¥50 a piece and up to 5 pieces', () => {
		expect(defaultSampleSettings()).toEqual({ enabled: true, priceFen: 5000, piecesMax: 5 });
		expect(validateSampleSettings(defaultSampleSettings())).toEqual([]);
		expect(
			validateSampleSettings({ enabled: true, priceFen: 0, piecesMax: 6 }).map((e) => e.field)
		).toEqual(['priceFen', 'piecesMax']);
		expect(validateSampleSettings({ enabled: true, priceFen: 5000, piecesMax: 2 })[0]?.code).toBe(
			'pieces'
		);
	});

	it('allows 3 up to the lot maximum and prices the fee', () => {
		const lot = { samples: { enabled: true, priceFen: 5000, piecesMax: 4 } };
		expect(checkSampleRequest(lot, 3, false)).toEqual({ ok: true, feeFen: 15_000 });
		expect(checkSampleRequest(lot, 4, false)).toEqual({ ok: true, feeFen: 20_000 });
		expect(checkSampleRequest(lot, 5, false)).toEqual({
			ok: false,
			error: { code: 'pieces', field: 'pieces', params: { minimum: 3, maximum: 4 } }
		});
		expect(checkSampleRequest(lot, 2, false)).toMatchObject({ ok: false });
		expect(checkSampleRequest(lot, 3.5, false)).toMatchObject({ ok: false });
		expect(checkSampleRequest(lot, 3, true)).toMatchObject({
			error: { code: 'open_request', field: 'lotId' }
		});
		expect(checkSampleRequest({ samples: null }, 3, false)).toMatchObject({
			error: { code: 'samples_disabled' }
		});
		expect(
			checkSampleRequest({ samples: { ...lot.samples, enabled: false } }, 3, false)
		).toMatchObject({
			error: { code: 'samples_disabled' }
		});
	});
});

describe('sample states', () => {
	const s = (over: Partial<SampleClock> = {}): SampleClock => ({
		state: 'pending_payment',
		createdAt: T0,
		paidAt: null,
		deliveredAt: null,
		tags: 0,
		pieces: 3,
		...over
	});

	it('ships only tagged, within 3 days of payment; else refund', () => {
		const paid = s({ state: 'paid', paidAt: at(0) });
		expect(nextSample(paid, 'ship', 'supplier', at(1))).toEqual({ ok: false, reason: 'untagged' });
		expect(nextSample({ ...paid, tags: 3 }, 'ship', 'supplier', at(71))).toMatchObject({
			ok: true,
			to: 'shipped'
		});
		expect(nextSample({ ...paid, tags: 3 }, 'ship', 'supplier', at(72))).toMatchObject({
			reason: 'deadline_passed'
		});
		expect(sampleDue(paid, at(71.9))).toBeNull();
		expect(sampleDue(paid, at(72))).toBe('ship_sla_missed');
		expect(nextSample(paid, 'ship_sla_missed', 'system', at(72))).toEqual({
			ok: true,
			to: 'refunded',
			money: 'refund'
		});
	});

	it('the review window lapses into approval; payment and review clocks are exact', () => {
		const delivered = s({ state: 'delivered', paidAt: at(0), deliveredAt: at(48), tags: 3 });
		expect(nextSample(delivered, 'approve', 'buyer', at(119))).toEqual({
			ok: true,
			to: 'approved',
			money: 'release'
		});
		expect(nextSample(delivered, 'approve', 'buyer', at(120))).toMatchObject({
			reason: 'deadline_passed'
		});
		expect(nextSample(delivered, 'review_lapsed', 'system', at(119))).toMatchObject({
			reason: 'too_early'
		});
		expect(sampleDue(delivered, at(120))).toBe('review_lapsed');
		expect(nextSample(delivered, 'reject', 'supplier', at(1))).toMatchObject({
			reason: 'wrong_actor'
		});
		expect(sampleDue(s(), at(0.5))).toBe('expire_unpaid');
		expect(nextSample(s(), 'pay', 'system', at(0.5))).toMatchObject({ reason: 'deadline_passed' });
		expect(nextSample(s(), 'pay', 'operator', at(0.1))).toMatchObject({
			to: 'paid',
			money: 'escrow_in'
		});
		expect(nextSample(s(), 'deliver', 'buyer', at(0.1))).toMatchObject({ reason: 'illegal' });
	});
});

describe('tag numbers', () => {
	it('formats with a check digit and parses back', () => {
		const t = formatTagNumber(123);
		expect(t).toMatch(/^YP000000123\d$/);
		expect(parseTagNumber(t)).toBe(123);
		expect(parseTagNumber(` #${t.toLowerCase()} `)).toBe(123);
		// Any single mistyped digit is caught.
		for (let i = 2; i < t.length; i++) {
			const d = (Number(t[i]) + 1) % 10;
			expect(parseTagNumber(t.slice(0, i) + d + t.slice(i + 1))).toBeNull();
		}
		expect(parseTagNumber('YP0000000000')).toBeNull();
		expect(() => formatTagNumber(0)).toThrow(RangeError);
	});
});

describe('sealed reference', () => {
	it('freezes a copy of the lot as it was', () => {
		const attributes = { 面料: '棉' };
		const ref = sealReference({
			sampleId: 's1',
			lotId: 'a',
			tagSeqs: [12, 11],
			photos: ['p1'],
			lot: { title: 'T恤', grade: 'B', attributes },
			at: T0
		});
		attributes['面料'] = '涤纶';
		expect(ref.spec).toEqual({ 面料: '棉' });
		expect(Object.isFrozen(ref)).toBe(true);
		expect(ref.tags).toEqual([formatTagNumber(11), formatTagNumber(12)]);
		expect(packingListReference(ref)).toEqual({
			key: 'trade.packing.sealed_sample',
			params: { tags: `#${formatTagNumber(11)}, #${formatTagNumber(12)}` }
		});
	});
});

describe('sample credit', () => {
	const sample = (over: Partial<SampleForCredit> = {}): SampleForCredit => ({
		sampleId: 's1',
		buyerOrgId: 'buyer',
		lotId: 'a',
		state: 'approved',
		feeFen: 15_000,
		approvedAt: T0,
		creditUsedBy: null,
		...over
	});
	const bulk = { buyerOrgId: 'buyer', lotId: 'a', quantity: 500, lotMoq: 500, lineIndex: 2 };

	it('credits the fee on the same lot, same buyer, at MOQ, within 60 days, once', () => {
		expect(creditFor(sample(), bulk, at(24))).toEqual({ ok: true, amountFen: 15_000 });
		expect(creditExpiresAt(sample())).toEqual(new Date(T0.getTime() + 60 * DAY_MS));
		const code = (r: ReturnType<typeof creditFor>) =>
			r.ok ? 'ok' : `${r.error.code}@${r.error.field}`;
		expect(code(creditFor(sample({ lotId: 'b' }), bulk, at(1)))).toBe('other_lot@lines.2.sampleId');
		expect(code(creditFor(sample({ buyerOrgId: 'x' }), bulk, at(1)))).toBe(
			'other_buyer@lines.2.sampleId'
		);
		expect(code(creditFor(sample({ state: 'rejected' }), bulk, at(1)))).toBe(
			'not_approved@lines.2.sampleId'
		);
		expect(code(creditFor(sample({ creditUsedBy: 'o9' }), bulk, at(1)))).toBe(
			'credit_used@lines.2.sampleId'
		);
		expect(code(creditFor(sample(), { ...bulk, quantity: 499 }, at(1)))).toBe(
			'below_moq@lines.2.quantity'
		);
		expect(code(creditFor(sample(), bulk, new Date(T0.getTime() + 60 * DAY_MS - 1)))).toBe('ok');
		expect(code(creditFor(sample(), bulk, new Date(T0.getTime() + 60 * DAY_MS)))).toBe(
			'expired@lines.2.sampleId'
		);
		expect(code(creditFor(sample({ state: 'auto_approved' }), bulk, at(1)))).toBe('ok');
	});

	it('picks the eligible credit that expires first', () => {
		const older = sample({ sampleId: 's-old', approvedAt: at(-100) });
		const newer = sample({ sampleId: 's-new', approvedAt: at(-10) });
		const used = sample({ sampleId: 's-used', approvedAt: at(-500), creditUsedBy: 'o1' });
		expect(pickCredit([newer, used, older], bulk, at(0))).toEqual({
			sampleId: 's-old',
			amountFen: 15_000
		});
		expect(pickCredit([used], bulk, at(0))).toBeNull();
	});
});
