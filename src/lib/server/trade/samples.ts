// Samples and tagged reference samples (拿样 / 封样, issue 19; docs/TRADE.md "Samples: the
// service"). A buyer requests 3–5 pieces of a lot that offers samples; the fee is paid into escrow
// (ledger `trade.money`, line = the sample id); the supplier has tags issued per piece, prints
// them and ships; the buyer approves (the reference is sealed: a frozen copy of tags, photos, the
// lot's grade and spec) or rejects; the fee goes to the supplier either way, and back to the buyer
// when the samples were not shipped in time. `moveSample` is the only code changing
// `trade_samples.state`; every step runs in one transaction with the row locked FOR UPDATE.
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import {
	checkSampleRequest,
	formatTagNumber,
	nextSample,
	sampleDeadlines,
	sealReference,
	type SampleAction,
	type SampleActor,
	type SampleState
} from '$lib/domain/trade/samples';
import {
	sampleRefundPostings,
	samplePaymentPostings,
	sampleReleasePostings
} from '$lib/domain/trade/escrow';
import type { TradePolicy } from '$lib/domain/trade/policy';
import { z } from '$lib/server/validation';
import { isOperator, isSupplier, type Principal } from '../auth/principal';
import { db, sqlState, type Tx } from '../db';
import {
	lots,
	tradeLotTerms,
	tradeSamples,
	tradeSampleTags,
	tradeSealedReferences,
	type TradeSample
} from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { publishCommitted, publishInTx, transaction } from '../events/bus';
import { isUuid } from '../ids';
import { providerEnabled } from '../payments';
import { currentPolicy } from '../platform/policy';
import { buyerOrgOf } from './cart';
import { TradeShipToInput } from './schemas';

export const sampleNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.sample.err.not_found', { field: 'sampleId' });

const OPEN_STATES: SampleState[] = ['pending_payment', 'paid', 'shipped', 'delivered'];

const photoList = z
	.array(z.string().trim().min(1).max(500))
	.max(12, { error: 'v.too_many' })
	.default([]);

export const SampleRequestInput = z.strictObject({
	lotId: z.uuid(),
	pieces: z.number().int({ error: 'v.integer' }),
	shipTo: TradeShipToInput
});

export const SampleShipInput = z.strictObject({
	carrier: z.string().trim().min(1).max(40),
	trackingNo: z.string().trim().min(1).max(60),
	/** Photos of the tagged sample pieces (upload keys / URLs), per piece in order, optional. */
	photos: photoList
});

export const SampleReviewInput = z.discriminatedUnion('decision', [
	z.strictObject({ decision: z.literal('approve'), photos: photoList }),
	z.strictObject({
		decision: z.literal('reject'),
		reason: z.string().trim().min(2).max(500),
		photos: photoList
	})
]);

export type SampleSide = 'buyer' | 'supplier' | 'operator';

export interface SampleView {
	id: string;
	number: number;
	lotId: string;
	lotTitle: string;
	buyerOrgId: string;
	supplierId: string;
	state: SampleState;
	pieces: number;
	priceFen: number;
	feeFen: number;
	carrier: string | null;
	trackingNo: string | null;
	rejectReason: string | null;
	reviewPhotos: string[];
	tags: { number: string; piece: number; photos: string[] }[];
	dueAt: string | null;
	createdAt: string;
	approvedAt: string | null;
	creditUsedBy: string | null;
	creditExpiresAt: string | null;
	sealed: Record<string, unknown> | null;
}

function sideOfSample(
	p: Principal,
	s: Pick<TradeSample, 'buyerOrgId' | 'supplierId'>
): SampleSide | null {
	if (isOperator(p)) return 'operator';
	if (p.orgKind === 'buyer' && p.orgId === s.buyerOrgId) return 'buyer';
	if (isSupplier(p) && p.orgId === s.supplierId) return 'supplier';
	return null;
}

function sampleIdOf(raw: unknown): string {
	if (typeof raw !== 'string' || !isUuid(raw)) throw sampleNotFound();
	return raw;
}

async function sampleFor(
	p: Principal,
	raw: unknown,
	tx: Tx | ReturnType<typeof db>,
	lock = false
): Promise<{ s: TradeSample; side: SampleSide }> {
	const id = sampleIdOf(raw);
	const q = tx.select().from(tradeSamples).where(eq(tradeSamples.id, id));
	const [s] = lock ? await q.for('update') : await q;
	if (!s) throw sampleNotFound();
	const side = sideOfSample(p, s);
	if (!side) throw sampleNotFound();
	return { s, side };
}

function stepRefusal(
	reason: 'illegal' | 'wrong_actor' | 'deadline_passed' | 'too_early' | 'untagged',
	state: SampleState,
	action: SampleAction
): AppError {
	switch (reason) {
		case 'wrong_actor':
			return new AppError('forbidden', 'wrong_actor', 'trade.err.wrong_actor', {
				params: { state, action }
			});
		case 'deadline_passed':
			return new AppError('conflict', 'deadline_passed', 'trade.sample.err.deadline', {
				params: { state, action }
			});
		case 'untagged':
			return new AppError('rule', 'untagged', 'trade.sample.err.untagged', { field: 'tags' });
		default:
			return new AppError('conflict', 'trade_state', 'trade.sample.err.state', {
				params: { state, action }
			});
	}
}

/** The due date the timer job watches in a state (null when nothing runs). */
function dueAtOf(
	state: SampleState,
	s: { createdAt: Date; paidAt: Date | null; deliveredAt: Date | null },
	policy: TradePolicy
): Date | null {
	const d = sampleDeadlines(s, policy);
	if (state === 'pending_payment') return d.unpaid;
	if (state === 'paid') return d.ship;
	if (state === 'delivered') return d.review;
	return null;
}

/**
 * The one place a sample request changes state, inside the caller's transaction: locks the row,
 * asks domain `nextSample`, writes the state, its timestamps and next due date, posts the money
 * (`trade.money`: fee into escrow, released to the supplier, or refunded), and seals the reference
 * at approval. Returns the row after the step.
 */
export async function moveSample(
	tx: Tx,
	a: {
		sampleId: string;
		action: SampleAction;
		actor: SampleActor;
		now: Date;
		policy?: TradePolicy;
		patch?: Partial<Pick<TradeSample, 'carrier' | 'trackingNo' | 'rejectReason' | 'reviewPhotos'>>;
	}
): Promise<TradeSample> {
	const policy = a.policy ?? currentPolicy().trade;
	const [s] = await tx
		.select()
		.from(tradeSamples)
		.where(eq(tradeSamples.id, a.sampleId))
		.for('update');
	if (!s) throw sampleNotFound();
	const [{ n: tags } = { n: 0 }] = await tx
		.select({ n: count() })
		.from(tradeSampleTags)
		.where(eq(tradeSampleTags.sampleId, s.id));
	const step = nextSample({ ...s, tags: Number(tags) }, a.action, a.actor, a.now, policy);
	if (!step.ok) throw stepRefusal(step.reason, s.state, a.action);
	const times = {
		paidAt: step.to === 'paid' ? a.now : s.paidAt,
		shippedAt: step.to === 'shipped' ? a.now : s.shippedAt,
		deliveredAt: step.to === 'delivered' ? a.now : s.deliveredAt,
		approvedAt: step.to === 'approved' || step.to === 'auto_approved' ? a.now : s.approvedAt,
		reviewedAt:
			step.to === 'approved' || step.to === 'rejected' || step.to === 'auto_approved'
				? a.now
				: s.reviewedAt
	};
	const dueAt = dueAtOf(step.to, { createdAt: s.createdAt, ...times }, policy);
	const [row] = await tx
		.update(tradeSamples)
		.set({ ...a.patch, ...times, state: step.to, dueAt, updatedAt: a.now })
		.where(and(eq(tradeSamples.id, s.id), eq(tradeSamples.state, s.state)))
		.returning();
	if (!row) throw stepRefusal('illegal', s.state, a.action);

	const ref = { sampleId: s.id, lotId: s.lotId };
	const base = {
		at: a.now,
		orderId: s.id,
		buyerOrgId: s.buyerOrgId,
		supplierId: s.supplierId,
		memo: `YP#${s.number}`
	};
	if (step.money === 'escrow_in') {
		await publishInTx(tx, 'trade.money', {
			...base,
			kind: 'trade_payment',
			key: `sample:${s.id}:pay`,
			postings: samplePaymentPostings(ref, s.feeFen)
		});
	} else if (step.money === 'release') {
		await publishInTx(tx, 'trade.money', {
			...base,
			kind: 'trade_release',
			key: `sample:${s.id}:release`,
			postings: sampleReleasePostings(ref, s.supplierId, s.feeFen)
		});
	} else if (step.money === 'refund') {
		await publishInTx(tx, 'trade.money', {
			...base,
			kind: 'trade_refund',
			key: `sample:${s.id}:refund`,
			postings: sampleRefundPostings(ref, s.feeFen)
		});
	}
	if (step.to === 'approved' || step.to === 'auto_approved') await seal(tx, row, a.now);
	return row;
}

/** Freezes the reference: the tags, the supplier's and buyer's photos, the lot as it is now. */
async function seal(tx: Tx, s: TradeSample, now: Date): Promise<void> {
	const [lot] = await tx
		.select({ title: lots.title, grade: lots.grade, attributes: lots.attributes })
		.from(lots)
		.where(eq(lots.id, s.lotId));
	const tags = await tx
		.select()
		.from(tradeSampleTags)
		.where(eq(tradeSampleTags.sampleId, s.id))
		.orderBy(asc(tradeSampleTags.piece));
	const ref = sealReference({
		sampleId: s.id,
		lotId: s.lotId,
		tagSeqs: tags.map((t) => t.seq),
		photos: [...tags.flatMap((t) => t.photos), ...s.reviewPhotos],
		lot: { title: lot!.title, grade: lot!.grade, attributes: lot!.attributes },
		at: now
	});
	await tx
		.insert(tradeSealedReferences)
		.values({
			sampleId: s.id,
			lotId: s.lotId,
			snapshot: JSON.parse(JSON.stringify(ref)) as Record<string, unknown>,
			sealedAt: now
		})
		.onConflictDoNothing();
}

/** After commit: both sides hear of the request's state (realtime `TradeSampleChangedV1`). */
export function publishSample(s: TradeSample): void {
	publishCommitted('trade.sample.changed', {
		id: s.id,
		number: s.number,
		lotId: s.lotId,
		state: s.state,
		buyerOrgId: s.buyerOrgId,
		supplierId: s.supplierId,
		dueAt: s.dueAt,
		at: s.updatedAt
	});
}

const refusal = (code: string, field: string, params: Record<string, number | string> = {}) =>
	new AppError('rule', code, `trade.sample.err.${code}`, { field, params });

/**
 * A buyer requests samples of a lot (pending payment; the unpaid expiry runs like an order's).
 * 422: a lot without samples (`lotId`), pieces outside the range (`pieces`), a second open request
 * for the lot (`lotId`). The lot's terms row is locked so two racing requests see each other
 * (the partial unique index `trade_samples_open_key` backs it).
 */
export async function requestSample(
	p: Principal,
	raw: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	const buyerOrgId = buyerOrgOf(p);
	const input = parse(SampleRequestInput, raw);
	const policy = currentPolicy().trade;
	const created = await transaction(async (tx) => {
		const [lot] = await tx
			.select({
				id: lots.id,
				supplierId: lots.supplierId,
				status: lots.status,
				enabled: tradeLotTerms.samplesEnabled,
				priceFen: tradeLotTerms.samplePriceFen,
				piecesMax: tradeLotTerms.samplePiecesMax
			})
			.from(lots)
			.leftJoin(tradeLotTerms, eq(tradeLotTerms.lotId, lots.id))
			.where(eq(lots.id, input.lotId.toLowerCase()))
			.for('update', { of: lots });
		if (!lot || lot.status !== 'active') throw refusal('samples_disabled', 'lotId');
		const [open] = await tx
			.select({ id: tradeSamples.id })
			.from(tradeSamples)
			.where(
				and(
					eq(tradeSamples.buyerOrgId, buyerOrgId),
					eq(tradeSamples.lotId, lot.id),
					inArray(tradeSamples.state, OPEN_STATES)
				)
			)
			.limit(1);
		const check = checkSampleRequest(
			{
				samples:
					lot.enabled === null
						? null
						: { enabled: lot.enabled, priceFen: lot.priceFen!, piecesMax: lot.piecesMax! }
			},
			input.pieces,
			!!open,
			policy
		);
		if (!check.ok) throw refusal(check.error.code, check.error.field, check.error.params);
		try {
			const [row] = await tx
				.insert(tradeSamples)
				.values({
					buyerOrgId,
					supplierId: lot.supplierId,
					lotId: lot.id,
					pieces: input.pieces,
					priceFen: lot.priceFen!,
					feeFen: check.feeFen,
					shipTo: input.shipTo,
					createdAt: now,
					updatedAt: now,
					dueAt: dueAtOf(
						'pending_payment',
						{ createdAt: now, paidAt: null, deliveredAt: null },
						policy
					)
				})
				.returning();
			return row!;
		} catch (e) {
			if (sqlState(e) === '23505') throw refusal('open_request', 'lotId');
			throw e;
		}
	});
	publishSample(created);
	return getSample(p, created.id);
}

/**
 * The sample fee is paid (the payment provider's confirmation, or an operator confirming a bank
 * transfer): into escrow. Operators only through this entry; the provider seam calls `moveSample`.
 */
export async function confirmSamplePayment(
	p: Principal,
	rawId: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	if (!isOperator(p)) throw forbidden('trade.err.operator_only');
	const id = sampleIdOf(rawId);
	const row = await transaction(async (tx) => {
		await sampleFor(p, id, tx, true);
		return moveSample(tx, { sampleId: id, action: 'pay', actor: 'operator', now });
	});
	publishSample(row);
	return getSample(p, id);
}

/**
 * The buyer pays the sample fee through the test provider (confirmed at once; only where the
 * test provider is on, like orders). A bank transfer is confirmed by an operator instead.
 */
export async function paySampleWithTestProvider(
	p: Principal,
	rawId: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	const id = sampleIdOf(rawId);
	if (!providerEnabled('test')) {
		throw new AppError('rule', 'provider_unavailable', 'trade.err.provider_unavailable', {
			field: 'provider'
		});
	}
	const row = await transaction(async (tx) => {
		const { side } = await sampleFor(p, id, tx, true);
		if (side !== 'buyer') throw sampleNotFound();
		return moveSample(tx, { sampleId: id, action: 'pay', actor: 'system', now });
	});
	publishSample(row);
	return getSample(p, id);
}

/**
 * The supplier has the platform issue a tag per piece (idempotent: pieces already tagged keep
 * their numbers). Only once the fee is paid and before shipping.
 */
export async function issueTags(p: Principal, rawId: unknown): Promise<SampleView> {
	const id = sampleIdOf(rawId);
	await transaction(async (tx) => {
		const { s, side } = await sampleFor(p, id, tx, true);
		if (side !== 'supplier') throw sampleNotFound();
		if (s.state !== 'paid') {
			throw new AppError('conflict', 'trade_state', 'trade.sample.err.state', {
				params: { state: s.state, action: 'tag' }
			});
		}
		await tx
			.insert(tradeSampleTags)
			.values(Array.from({ length: s.pieces }, (_, i) => ({ sampleId: s.id, piece: i + 1 })))
			.onConflictDoNothing();
	});
	return getSample(p, id);
}

/** The supplier ships the tagged pieces (carrier, tracking number, photos of the pieces). */
export async function shipSample(
	p: Principal,
	rawId: unknown,
	raw: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	const id = sampleIdOf(rawId);
	const input = parse(SampleShipInput, raw);
	const row = await transaction(async (tx) => {
		const { side } = await sampleFor(p, id, tx, true);
		if (side !== 'supplier') throw sampleNotFound();
		const s = await moveSample(tx, {
			sampleId: id,
			action: 'ship',
			actor: 'supplier',
			now,
			patch: { carrier: input.carrier, trackingNo: input.trackingNo }
		});
		// Photos of the pieces, in piece order (the first photo to piece 1, …).
		for (let i = 0; i < Math.min(input.photos.length, s.pieces); i++) {
			await tx
				.update(tradeSampleTags)
				.set({ photos: [input.photos[i]!] })
				.where(and(eq(tradeSampleTags.sampleId, id), eq(tradeSampleTags.piece, i + 1)));
		}
		return s;
	});
	publishSample(row);
	return getSample(p, id);
}

/** The buyer (or an operator, for the carrier) records that the samples arrived. */
export async function deliverSample(
	p: Principal,
	rawId: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	const id = sampleIdOf(rawId);
	const row = await transaction(async (tx) => {
		const { side } = await sampleFor(p, id, tx, true);
		if (side === 'supplier') throw forbidden('trade.err.wrong_actor');
		return moveSample(tx, { sampleId: id, action: 'deliver', actor: side, now });
	});
	publishSample(row);
	return getSample(p, id);
}

/** The buyer approves (seals the reference) or rejects with a reason and photos. */
export async function reviewSample(
	p: Principal,
	rawId: unknown,
	raw: unknown,
	now: Date = new Date()
): Promise<SampleView> {
	const id = sampleIdOf(rawId);
	const input = parse(SampleReviewInput, raw);
	const row = await transaction(async (tx) => {
		const { side } = await sampleFor(p, id, tx, true);
		if (side !== 'buyer') throw sampleNotFound();
		return moveSample(tx, {
			sampleId: id,
			action: input.decision,
			actor: 'buyer',
			now,
			patch: {
				reviewPhotos: input.photos,
				rejectReason: input.decision === 'reject' ? input.reason : null
			}
		});
	});
	publishSample(row);
	return getSample(p, id);
}

function viewOf(
	s: TradeSample,
	lotTitle: string,
	tags: { seq: number; piece: number; photos: string[] }[],
	sealed: Record<string, unknown> | null,
	policy: TradePolicy
): SampleView {
	const expires = s.approvedAt
		? new Date(s.approvedAt.getTime() + policy.samples.creditValidityDays * 86_400_000)
		: null;
	return {
		id: s.id,
		number: s.number,
		lotId: s.lotId,
		lotTitle,
		buyerOrgId: s.buyerOrgId,
		supplierId: s.supplierId,
		state: s.state,
		pieces: s.pieces,
		priceFen: s.priceFen,
		feeFen: s.feeFen,
		carrier: s.carrier,
		trackingNo: s.trackingNo,
		rejectReason: s.rejectReason,
		reviewPhotos: s.reviewPhotos,
		tags: tags.map((t) => ({ number: formatTagNumber(t.seq), piece: t.piece, photos: t.photos })),
		dueAt: s.dueAt?.toISOString() ?? null,
		createdAt: s.createdAt.toISOString(),
		approvedAt: s.approvedAt?.toISOString() ?? null,
		creditUsedBy: s.creditUsedBy,
		creditExpiresAt: expires?.toISOString() ?? null,
		sealed
	};
}

/** One sample request as its buyer, its supplier or an operator sees it; 404 for anyone else. */
export async function getSample(p: Principal, rawId: unknown): Promise<SampleView> {
	const { s } = await sampleFor(p, rawId, db());
	const [[lot], tags, [sealed]] = await Promise.all([
		db().select({ title: lots.title }).from(lots).where(eq(lots.id, s.lotId)),
		db()
			.select({
				seq: tradeSampleTags.seq,
				piece: tradeSampleTags.piece,
				photos: tradeSampleTags.photos
			})
			.from(tradeSampleTags)
			.where(eq(tradeSampleTags.sampleId, s.id))
			.orderBy(asc(tradeSampleTags.piece)),
		db()
			.select({ snapshot: tradeSealedReferences.snapshot })
			.from(tradeSealedReferences)
			.where(eq(tradeSealedReferences.sampleId, s.id))
	]);
	return viewOf(s, lot?.title ?? '', tags, sealed?.snapshot ?? null, currentPolicy().trade);
}

/** The caller's sample requests (buyer: their org's; supplier: their lots'), newest first. */
export async function listSamples(p: Principal, limit = 100): Promise<SampleView[]> {
	const where =
		p.orgKind === 'buyer' && p.orgId
			? eq(tradeSamples.buyerOrgId, p.orgId)
			: isSupplier(p)
				? eq(tradeSamples.supplierId, p.orgId!)
				: isOperator(p)
					? sql`true`
					: null;
	if (!where) throw forbidden();
	const rows = await db()
		.select({ id: tradeSamples.id })
		.from(tradeSamples)
		.where(where)
		.orderBy(sql`${tradeSamples.createdAt} desc`)
		.limit(limit);
	return Promise.all(rows.map((r) => getSample(p, r.id)));
}

/** A lot's sample offer for its page (null when the lot offers none). */
export async function lotSampleOffer(lotId: string): Promise<{
	priceFen: number;
	minPieces: number;
	maxPieces: number;
	creditValidityDays: number;
} | null> {
	if (!isUuid(lotId)) return null;
	const [t] = await db()
		.select({
			enabled: tradeLotTerms.samplesEnabled,
			priceFen: tradeLotTerms.samplePriceFen,
			piecesMax: tradeLotTerms.samplePiecesMax
		})
		.from(tradeLotTerms)
		.where(eq(tradeLotTerms.lotId, lotId));
	if (!t?.enabled) return null;
	const p = currentPolicy().trade.samples;
	return {
		priceFen: t.priceFen,
		minPieces: p.minPieces,
		maxPieces: Math.min(t.piecesMax, p.maxPieces),
		creditValidityDays: p.creditValidityDays
	};
}
