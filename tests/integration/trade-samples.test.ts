// Samples and sealed reference samples (issue 19) against Postgres with an injected clock: the
// refusals (422 with the field, nothing written), the path request → pay → tags → ship → deliver
// → approve (sealed, frozen), the timers (unpaid expiry, ship SLA refund, review window), the
// credit at checkout (once, at or above MOQ, within validity, racing checkouts), ledger balanced.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, execRows, uuidArray } from '../../src/lib/server/db';
import { freightRates, lots, tradeLotTerms, tradeSamples } from '../../src/lib/server/db/schema';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import {
	checkout,
	confirmSamplePayment,
	deliverSample,
	getSample,
	issueTags,
	listSamples,
	payWithTestProvider,
	requestSample,
	reviewSample,
	runSampleTimers,
	shipSample
} from '../../src/lib/server/trade';
import { parseTagNumber } from '../../src/lib/domain/trade/samples';
import type { TradeOrderDraft } from '../../src/lib/domain/trade/checkout';
import { transaction } from '../../src/lib/server/events/bus';
import { applySampleCredits } from '../../src/lib/server/trade/sample-credit';
import { demoActor } from '../helpers/demo';
import {
	caught,
	lotsOfSupplier,
	newBuyer,
	rate,
	setupLot,
	SHIP_TO
} from '../helpers/trade-checkout';

type A = Awaited<ReturnType<typeof demoActor>>;
let supplier1: A, supplier2: A, operator: A;
let lotIds: string[];
let n = 0;

beforeAll(async () => {
	await seedDemoIfEmpty();
	[supplier1, supplier2, operator] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.supplier2),
		demoActor(DEMO_ACCOUNTS.operator)
	]);
	lotIds = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 16);
	await db().delete(freightRates).where(eq(freightRates.destProvince, '山东省'));
	await rate('广东省', '山东省', { partnerBaseFen: 6000, partnerPerPieceFen: 100 });
});

const T0 = new Date('2026-06-01T02:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3600_000);

/** A fresh lot of supplier1 with samples on (¥50 × up to 5), MOQ 500 at ¥20, stock 5000. */
async function sampleLot(enabled = true): Promise<string> {
	const lotId = lotIds[n++]!;
	await setupLot(lotId, { onHand: 5000, moq: 500, unitPriceFen: 2000, terms: {} });
	await db()
		.update(tradeLotTerms)
		.set({ samplesEnabled: enabled, samplePriceFen: 5000, samplePiecesMax: 5 })
		.where(eq(tradeLotTerms.lotId, lotId));
	return lotId;
}

/** Ledger transactions of an order or sample: each balanced; escrow and supplier sums. */
async function ledgerOf(id: string) {
	const rows = await execRows<{ kind: string; sum: string; escrow: string; supplier: string }>(
		sql`select t.kind::text as kind, sum(e.amount_fen)::bigint as sum,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'escrow'), 0)::bigint as escrow,
			coalesce(sum(e.amount_fen) filter (where e.account_kind = 'supplier_payable'), 0)::bigint
				as supplier
		from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
		where t.order_id = ${id} group by t.id, t.kind order by t.id`
	);
	return rows.map((r) => ({
		kind: r.kind,
		sum: Number(r.sum),
		escrow: Number(r.escrow),
		supplier: Number(r.supplier)
	}));
}

/** Request, pay, tag, ship, deliver and approve at T0 + hours; returns the sample. */
async function approvedSample(buyer: Awaited<ReturnType<typeof newBuyer>>, lotId: string, h = 0) {
	const s = await requestSample(buyer.principal, { lotId, pieces: 3, shipTo: SHIP_TO }, at(h));
	await confirmSamplePayment(operator.actor, s.id, at(h + 0.1));
	await issueTags(supplier1.actor, s.id);
	await shipSample(
		supplier1.actor,
		s.id,
		{ carrier: '顺丰', trackingNo: 'SF100', photos: ['p1.jpg', 'p2.jpg', 'p3.jpg'] },
		at(h + 24)
	);
	await deliverSample(buyer.principal, s.id, at(h + 48));
	return reviewSample(
		buyer.principal,
		s.id,
		{ decision: 'approve', photos: ['ok.jpg'] },
		at(h + 50)
	);
}

const countSamples = async (buyerOrgId: string) =>
	(await db().select().from(tradeSamples).where(eq(tradeSamples.buyerOrgId, buyerOrgId))).length;

describe('sample requests', () => {
	it('refuses bad requests with 422 and the field, writing nothing', async () => {
		const off = await sampleLot(false);
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const noSamples = await caught(
			requestSample(buyer.principal, { lotId: off, pieces: 3, shipTo: SHIP_TO }, at(0))
		);
		expect([noSamples.status, noSamples.code, noSamples.field]).toEqual([
			422,
			'samples_disabled',
			'lotId'
		]);
		const many = await caught(
			requestSample(buyer.principal, { lotId, pieces: 6, shipTo: SHIP_TO }, at(0))
		);
		expect([many.status, many.code, many.field]).toEqual([422, 'pieces', 'pieces']);
		expect(many.params).toMatchObject({ minimum: 3, maximum: 5 });
		const few = await caught(
			requestSample(buyer.principal, { lotId, pieces: 2, shipTo: SHIP_TO }, at(0))
		);
		expect(few.status).toBe(422);
		const bad = await caught(
			requestSample(buyer.principal, { lotId, pieces: 'x', shipTo: SHIP_TO }, at(0))
		);
		expect([bad.status, bad.field]).toEqual([400, 'pieces']);
		expect(await countSamples(buyer.orgId!)).toBe(0);

		const s = await requestSample(buyer.principal, { lotId, pieces: 3, shipTo: SHIP_TO }, at(0));
		expect(s).toMatchObject({ state: 'pending_payment', pieces: 3, priceFen: 5000, feeFen: 15000 });
		const second = await caught(
			requestSample(buyer.principal, { lotId, pieces: 4, shipTo: SHIP_TO }, at(0))
		);
		expect([second.status, second.code, second.field]).toEqual([422, 'open_request', 'lotId']);
		expect(await countSamples(buyer.orgId!)).toBe(1);
		// Racing requests for another lot: one written, the other refused with the field.
		const lot2 = await sampleLot();
		const race = await Promise.allSettled([
			requestSample(buyer.principal, { lotId: lot2, pieces: 3, shipTo: SHIP_TO }, at(0)),
			requestSample(buyer.principal, { lotId: lot2, pieces: 3, shipTo: SHIP_TO }, at(0))
		]);
		expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(await countSamples(buyer.orgId!)).toBe(2);

		// Someone else's sample is not found; a supplier cannot request.
		const other = await newBuyer();
		expect((await caught(getSample(other.principal, s.id))).status).toBe(404);
		expect((await caught(getSample(supplier2.actor, s.id))).status).toBe(404);
		expect((await caught(issueTags(supplier2.actor, s.id))).status).toBe(404);
		expect((await caught(getSample(buyer.principal, 'nope'))).status).toBe(404);
		expect(
			(await caught(requestSample(supplier1.actor, { lotId, pieces: 3, shipTo: SHIP_TO }))).status
		).toBe(403);
		expect((await listSamples(other.principal)).length).toBe(0);
		expect((await listSamples(buyer.principal)).length).toBe(2);
	});

	it('runs the path: paid, tagged, shipped, delivered, approved; sealed and frozen; ledger balanced', async () => {
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const s = await requestSample(buyer.principal, { lotId, pieces: 3, shipTo: SHIP_TO }, at(0));
		// The supplier cannot tag before payment, nor ship without tags.
		expect((await caught(issueTags(supplier1.actor, s.id))).status).toBe(409);
		await confirmSamplePayment(operator.actor, s.id, at(0.1));
		expect((await caught(confirmSamplePayment(buyer.principal, s.id))).status).toBe(403);
		const untagged = await caught(
			shipSample(supplier1.actor, s.id, { carrier: '顺丰', trackingNo: 'SF1' }, at(1))
		);
		expect([untagged.status, untagged.field]).toEqual([422, 'tags']);
		const tagged = await issueTags(supplier1.actor, s.id);
		expect(tagged.tags).toHaveLength(3);
		for (const t of tagged.tags) expect(parseTagNumber(t.number)).not.toBeNull();
		// Idempotent: the same numbers again.
		expect((await issueTags(supplier1.actor, s.id)).tags).toEqual(tagged.tags);
		await shipSample(
			supplier1.actor,
			s.id,
			{ carrier: '顺丰', trackingNo: 'SF1', photos: ['a.jpg', 'b.jpg', 'c.jpg'] },
			at(2)
		);
		// Approving before delivery is a state conflict; the supplier cannot review.
		expect(
			(await caught(reviewSample(buyer.principal, s.id, { decision: 'approve' }, at(3)))).status
		).toBe(409);
		const delivered = await deliverSample(buyer.principal, s.id, at(30));
		expect(delivered.state).toBe('delivered');
		expect(delivered.dueAt).toBe(at(30 + 72).toISOString());
		expect(
			(await caught(reviewSample(supplier1.actor, s.id, { decision: 'approve' }, at(31)))).status
		).toBe(404);
		const badReject = await caught(
			reviewSample(buyer.principal, s.id, { decision: 'reject', reason: '' }, at(31))
		);
		expect([badReject.status, badReject.field]).toEqual([400, 'reason']);
		const ok = await reviewSample(
			buyer.principal,
			s.id,
			{ decision: 'approve', photos: ['buyer.jpg'] },
			at(31)
		);
		expect(ok.state).toBe('approved');
		expect(ok.creditExpiresAt).toBe(at(31 + 60 * 24).toISOString());
		expect(ok.sealed).toMatchObject({
			tags: tagged.tags.map((t) => t.number),
			photos: ['a.jpg', 'b.jpg', 'c.jpg', 'buyer.jpg']
		});
		const [lot] = await db().select().from(lots).where(eq(lots.id, lotId));
		expect(ok.sealed).toMatchObject({ grade: lot!.grade, title: lot!.title });
		// A later edit of the lot does not change the sealed reference.
		await db()
			.update(lots)
			.set({ title: `${lot!.title} 改` })
			.where(eq(lots.id, lotId));
		expect((await getSample(supplier1.actor, s.id)).sealed).toEqual(ok.sealed);
		expect((await getSample(operator.actor, s.id)).sealed).toEqual(ok.sealed);
		await db().update(lots).set({ title: lot!.title }).where(eq(lots.id, lotId));
		// Money: paid into escrow, released whole to the supplier; every transaction balanced.
		expect(await ledgerOf(s.id)).toEqual([
			{ kind: 'trade_payment', sum: 0, escrow: -15000, supplier: 0 },
			{ kind: 'trade_release', sum: 0, escrow: 15000, supplier: -15000 }
		]);
	});

	it('rejects with a reason: the fee still goes to the supplier, no credit arises', async () => {
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const s = await requestSample(buyer.principal, { lotId, pieces: 4, shipTo: SHIP_TO }, at(0));
		await confirmSamplePayment(operator.actor, s.id, at(0.1));
		await issueTags(supplier1.actor, s.id);
		await shipSample(supplier1.actor, s.id, { carrier: '顺丰', trackingNo: 'SF2' }, at(2));
		await deliverSample(buyer.principal, s.id, at(10));
		const r = await reviewSample(
			buyer.principal,
			s.id,
			{ decision: 'reject', reason: '颜色不符', photos: ['bad.jpg'] },
			at(11)
		);
		expect(r).toMatchObject({ state: 'rejected', rejectReason: '颜色不符', sealed: null });
		expect((await ledgerOf(s.id)).map((t) => t.kind)).toEqual(['trade_payment', 'trade_release']);
		const o = await checkout(
			buyer.principal,
			{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
			`rej-${lotId}`,
			at(12)
		);
		expect(o.orders[0]!.creditFen).toBe(0);
		// A new request for the lot is allowed once the last one is closed.
		const again = await requestSample(
			buyer.principal,
			{ lotId, pieces: 3, shipTo: SHIP_TO },
			at(13)
		);
		expect(again.state).toBe('pending_payment');
	});
});

describe('sample timers', () => {
	it('cancels unpaid, refunds a missed ship SLA, auto-approves a lapsed review (sealed)', async () => {
		const buyer = await newBuyer();
		const [l1, l2, l3] = [await sampleLot(), await sampleLot(), await sampleLot()];
		const unpaid = await requestSample(
			buyer.principal,
			{ lotId: l1, pieces: 3, shipTo: SHIP_TO },
			at(0)
		);
		const late = await requestSample(
			buyer.principal,
			{ lotId: l2, pieces: 5, shipTo: SHIP_TO },
			at(0)
		);
		await confirmSamplePayment(operator.actor, late.id, at(0.2));
		const slow = await requestSample(
			buyer.principal,
			{ lotId: l3, pieces: 3, shipTo: SHIP_TO },
			at(0)
		);
		await confirmSamplePayment(operator.actor, slow.id, at(0.2));
		await issueTags(supplier1.actor, slow.id);
		await shipSample(supplier1.actor, slow.id, { carrier: '顺丰', trackingNo: 'SF3' }, at(1));
		await deliverSample(buyer.principal, slow.id, at(2));

		// Nothing is due just before the deadlines.
		await runSampleTimers(at(0.49));
		expect((await getSample(buyer.principal, unpaid.id)).state).toBe('pending_payment');
		await runSampleTimers(at(0.51));
		expect((await getSample(buyer.principal, unpaid.id)).state).toBe('cancelled_unpaid');
		expect(await ledgerOf(unpaid.id)).toEqual([]);

		await runSampleTimers(at(0.2 + 72 - 0.01));
		expect((await getSample(buyer.principal, late.id)).state).toBe('paid');
		expect((await getSample(buyer.principal, slow.id)).state).toBe('delivered');
		// Two runners at once: each request moved once.
		await Promise.all([runSampleTimers(at(0.2 + 72)), runSampleTimers(at(0.2 + 72))]);
		expect((await getSample(buyer.principal, late.id)).state).toBe('refunded');
		expect(await ledgerOf(late.id)).toEqual([
			{ kind: 'trade_payment', sum: 0, escrow: -25000, supplier: 0 },
			{ kind: 'trade_refund', sum: 0, escrow: 25000, supplier: 0 }
		]);
		// Shipping after the SLA is refused.
		expect(
			(
				await caught(
					shipSample(supplier1.actor, late.id, { carrier: 'x', trackingNo: 'y' }, at(80))
				)
			).status
		).toBe(409);

		await runSampleTimers(at(2 + 72));
		const auto = await getSample(buyer.principal, slow.id);
		expect(auto.state).toBe('auto_approved');
		expect(auto.approvedAt).toBe(at(74).toISOString());
		expect(auto.sealed).toMatchObject({ tags: auto.tags.map((t) => t.number) });
		expect((await ledgerOf(slow.id)).map((t) => t.kind)).toEqual([
			'trade_payment',
			'trade_release'
		]);
	});
});

describe('the sample credit at checkout', () => {
	it('credits the fee once on a bulk order at or above MOQ, with the sealed reference; ledger balanced', async () => {
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const s = await approvedSample(buyer, lotId);
		// Below MOQ: refused by the cart rules (422 with the line's quantity), nothing credited.
		const below = await caught(
			checkout(
				buyer.principal,
				{ lines: [{ lotId, quantity: 499 }], shipTo: SHIP_TO, provider: 'test' },
				`below-${lotId}`,
				at(60)
			)
		);
		expect([below.status, below.field]).toEqual([422, 'lines.0.quantity']);
		expect((await getSample(buyer.principal, s.id)).creditUsedBy).toBeNull();

		const r = await checkout(
			buyer.principal,
			{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
			`bulk-${lotId}`,
			at(60)
		);
		const o = r.orders[0]!;
		expect(o.creditFen).toBe(15000);
		expect(o.totalFen).toBe(o.goodsFen + o.packagingFen + o.freightFen - 15000);
		expect(o.lines[0]!.creditFen).toBe(15000);
		const [row] = await execRows<{ sealed_sample_id: string | null; credit_fen: string }>(
			sql`select sealed_sample_id, credit_fen from trade_orders where id = ${o.id}`
		);
		expect(row!.sealed_sample_id).toBe(s.id);
		expect((await getSample(buyer.principal, s.id)).creditUsedBy).toBe(o.id);
		expect(await ledgerOf(o.id)).toEqual([
			{ kind: 'sample_credit', sum: 0, escrow: -15000, supplier: 15000 }
		]);
		// Paid: the buyer's cash is the total; escrow holds goods + packaging + freight.
		await payWithTestProvider(buyer.principal, o.id, at(60.1));
		const ledger = await ledgerOf(o.id);
		expect(ledger.every((t) => t.sum === 0)).toBe(true);
		expect(ledger.reduce((x, t) => x + t.escrow, 0)).toBe(-(o.totalFen + 15000));
		// The supplier nets zero on the sample: paid 150 at approval, given back at checkout.
		expect(
			(await ledgerOf(s.id)).reduce((x, t) => x + t.supplier, 0) +
				ledger.reduce((x, t) => x + t.supplier, 0)
		).toBe(0);
		// A second bulk order gets no credit.
		const again = await checkout(
			buyer.principal,
			{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
			`bulk2-${lotId}`,
			at(61)
		);
		expect(again.orders[0]!.creditFen).toBe(0);
	});

	it('gives no credit after the validity, nor to another buyer', async () => {
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const s = await approvedSample(buyer, lotId);
		const other = await newBuyer();
		const o1 = await checkout(
			other.principal,
			{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
			`other-${lotId}`,
			at(60)
		);
		expect(o1.orders[0]!.creditFen).toBe(0);
		// Approved at T0+50 h; 60 days later the credit has lapsed.
		const late = await checkout(
			buyer.principal,
			{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
			`late-${lotId}`,
			at(50 + 60 * 24)
		);
		expect(late.orders[0]!.creditFen).toBe(0);
		expect((await getSample(buyer.principal, s.id)).creditUsedBy).toBeNull();
		// One hour before the end it still applies.
		const inTime = await checkout(
			buyer.principal,
			{ lines: [{ lotId, quantity: 600 }], shipTo: SHIP_TO, provider: 'test' },
			`intime-${lotId}`,
			at(49 + 60 * 24)
		);
		expect(inTime.orders[0]!.creditFen).toBe(15000);
	});

	it('credits once when two checkouts race', async () => {
		const lotId = await sampleLot();
		const buyer = await newBuyer();
		const s = await approvedSample(buyer, lotId);
		const results = await Promise.all(
			[1, 2, 3].map((k) =>
				checkout(
					buyer.principal,
					{ lines: [{ lotId, quantity: 500 }], shipTo: SHIP_TO, provider: 'test' },
					`race-${k}-${lotId}`,
					at(60)
				)
			)
		);
		const credits = results.map((r) => r.orders[0]!.creditFen);
		expect(credits.filter((c) => c > 0)).toEqual([15000]);
		const [row] = await db()
			.select({ used: tradeSamples.creditUsedBy })
			.from(tradeSamples)
			.where(and(eq(tradeSamples.id, s.id)));
		const credited = results.find((r) => r.orders[0]!.creditFen > 0)!.orders[0]!.id;
		expect(row!.used).toBe(credited);
		const txns = await execRows<{ n: string }>(
			sql`select count(*)::int as n from ledger_transactions where kind = 'sample_credit'
				and order_id = any(${uuidArray(results.map((r) => r.orders[0]!.id))})`
		);
		expect(Number(txns[0]!.n)).toBe(1);
		// Another node's checkout that read the sample before it was taken: the conditional
		// update marks nothing, so that checkout's transaction is rolled back (and retried).
		const late = await transaction((tx) =>
			applySampleCredits(tx, [
				{
					id: results.find((r) => r.orders[0]!.creditFen === 0)!.orders[0]!.id,
					buyerOrgId: buyer.orgId!,
					feeBp: 300,
					draft: {
						credits: [{ sampleId: s.id, lotId, amountFen: 15000 }]
					} as unknown as TradeOrderDraft,
					lines: [],
					now: at(61)
				}
			])
		);
		expect(late).toBe(false);
	});
});
