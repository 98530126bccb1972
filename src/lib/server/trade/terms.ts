// A supplier's wholesale terms for one of their lots (trade_lot_terms): the quantity
// step, pieces per carton (the inspection draw counts cartons with it) and up to five price
// breaks, each inside the grade's discount band of the tag price (docs/TRADE.md "Cart and
// checkout"). The rules are domain/trade/cart.ts `validatePriceBreaks`; this file loads the lot,
// checks who is asking and writes the row. Sample settings (issue 19) are kept as they are.
import { eq } from 'drizzle-orm';
import { validatePriceBreaks, type CartError } from '$lib/domain/trade/cart';
import { checkBand } from '$lib/domain/pricing';
import { fenToYuanString } from '$lib/domain/money';
import type { Grade, Policy } from '$lib/domain/policy';
import { isOperator, principalOrThrow, type Principal } from '../auth/principal';
import { db, type DbOrTx } from '../db';
import { lots, tradeLotTerms } from '../db/schema';
import { AppError, notFound, parse, type ErrorIssue } from '../errors';
import { isUuid, z } from '../validation';
import { currentPolicy, policyMax } from '../platform/policy';

/** What the terms form and API show: the terms and the lot numbers they are checked against. */
export interface LotTradeTermsView {
	lotId: string;
	step: number;
	piecesPerCarton: number;
	priceBreaks: { minQuantity: number; unitPriceFen: number }[];
	/** The lot's own numbers the breaks must beat. */
	lot: {
		grade: Grade;
		tagPriceFen: number;
		unitPriceFen: number;
		moq: number;
		priceOverride: boolean;
	};
	/** The grade's band in fen (breaks must sit inside unless the operator allowed the price). */
	band: { minFen: number; maxFen: number };
	maxPriceBreaks: number;
	/** Sample requests (issue 19): whether the lot offers them, the price and most pieces. */
	samples: { enabled: boolean; priceFen: number; piecesMax: number };
	/** Null while the supplier never saved terms (the defaults apply: step 1, no breaks). */
	updatedAt: string | null;
}

/** A minimum from the policy in force, reported as zod's own `too_small` ({minimum}). */
const policyMin = (get: (p: Policy) => number) => (v: number, ctx: z.RefinementCtx) => {
	const minimum = get(currentPolicy());
	if (v < minimum)
		ctx.addIssue({ code: 'too_small', minimum, origin: 'number', inclusive: true, input: v });
};

const count = (max: number) => z.number().int().min(1).max(max);

/** The terms a supplier sends: `{ step, piecesPerCarton, priceBreaks: [{minQuantity, unitPriceFen}] }`. */
export const LotTermsInput = z.strictObject({
	step: count(100_000),
	piecesPerCarton: count(100_000),
	priceBreaks: z
		.array(
			z.strictObject({
				minQuantity: count(10_000_000),
				unitPriceFen: count(100_000_000)
			})
		)
		// the policy's own maximum is checked by the domain rule (too_many_breaks)
		.max(20)
		.default([]),
	/**
	 * Sample settings (issue 19), optional: left as they are when not sent. Price and pieces are
	 * held to the policy's `samples` bounds.
	 */
	samples: z
		.strictObject({
			enabled: z.boolean(),
			priceFen: z
				.number()
				.int()
				.min(1)
				.superRefine(policyMax((p) => p.trade.samples.maxPriceFen)),
			piecesMax: z
				.number()
				.int()
				.superRefine(policyMin((p) => p.trade.samples.minPieces))
				.superRefine(policyMax((p) => p.trade.samples.maxPieces))
		})
		.optional()
});
export type LotTermsInput = z.infer<typeof LotTermsInput>;

interface LotRow {
	id: string;
	supplierId: string;
	grade: Grade;
	tagPriceFen: number;
	unitPriceFen: number;
	moq: number;
	priceOverride: boolean;
}

/** The lot, when the caller is its supplier or an operator; 404 for everyone else. */
async function ownedLot(p: Principal, lotId: unknown, tx: DbOrTx = db()): Promise<LotRow> {
	if (!isUuid(lotId)) throw notFound('Lot', 'lotId');
	const [row] = await tx
		.select({
			id: lots.id,
			supplierId: lots.supplierId,
			grade: lots.grade,
			tagPriceFen: lots.tagPriceFen,
			unitPriceFen: lots.unitPriceFen,
			moq: lots.moq,
			priceOverride: lots.priceOverride
		})
		.from(lots)
		.where(eq(lots.id, lotId))
		.limit(1);
	if (!row) throw notFound('Lot', 'lotId');
	const mine = p.orgKind === 'supplier' && p.orgId === row.supplierId;
	if (!mine && !isOperator(p)) throw notFound('Lot', 'lotId');
	return row as LotRow;
}

function view(
	lot: LotRow,
	terms: typeof tradeLotTerms.$inferSelect | undefined
): LotTradeTermsView {
	const policy = currentPolicy();
	const band = checkBand(lot.grade, lot.tagPriceFen, lot.unitPriceFen, policy);
	return {
		lotId: lot.id,
		step: terms?.step ?? 1,
		piecesPerCarton: terms?.piecesPerCarton ?? 1,
		priceBreaks: (terms?.priceBreaks ?? []).map((b) => ({
			minQuantity: b.minQuantity,
			unitPriceFen: b.unitPriceFen
		})),
		lot: {
			grade: lot.grade,
			tagPriceFen: lot.tagPriceFen,
			unitPriceFen: lot.unitPriceFen,
			moq: lot.moq,
			priceOverride: lot.priceOverride
		},
		band: { minFen: band.minPriceFen, maxFen: band.maxPriceFen },
		maxPriceBreaks: policy.trade.cart.maxPriceBreaks,
		samples: {
			enabled: terms?.samplesEnabled ?? false,
			priceFen: terms?.samplePriceFen ?? policy.trade.samples.defaultPriceFen,
			piecesMax: terms?.samplePiecesMax ?? policy.trade.samples.maxPieces
		},
		updatedAt: terms ? terms.updatedAt.toISOString() : null
	};
}

async function readTerms(lotId: string, tx: DbOrTx = db()) {
	const [t] = await tx.select().from(tradeLotTerms).where(eq(tradeLotTerms.lotId, lotId)).limit(1);
	return t;
}

/** A lot's trade terms (its supplier or an operator; 404 for anyone else). */
export async function getLotTerms(
	p: Principal | null | undefined,
	lotId: unknown
): Promise<LotTradeTermsView> {
	const lot = await ownedLot(principalOrThrow(p), lotId);
	return view(lot, await readTerms(lot.id));
}

const yuan = (fen: number) => `¥${fenToYuanString(fen)}`;

/** A domain refusal as a catalogue message with its placeholders filled for people. */
function issueOf(e: CartError): ErrorIssue {
	const p = e.params;
	switch (e.code) {
		case 'too_many_breaks':
			return { field: e.field, message: 'terms.err.too_many', params: { max: p.maximum! } };
		case 'break_quantity':
			return { field: e.field, message: 'terms.err.quantity', params: { min: p.minimum! } };
		case 'break_price':
			return {
				field: e.field,
				message: 'terms.err.price',
				params: { below: yuan(Number(p.below)) }
			};
		case 'out_of_band':
			return {
				field: e.field,
				message: 'terms.err.band',
				params: { min: yuan(Number(p.minFen)), max: yuan(Number(p.maxFen)) }
			};
		default:
			return { field: e.field, message: 'v.invalid' };
	}
}

/**
 * Saves a lot's trade terms (its supplier or an operator). The price breaks are checked whole
 * (every problem at once, 422 `rule_violation` naming `priceBreaks.<i>.<field>`) against the lot
 * as it is now; nothing is written on a refusal. Sample settings change only when `samples` is
 * sent (the demo seed sets them; issue 19's form will).
 */
export async function setLotTerms(
	p: Principal | null | undefined,
	lotId: unknown,
	raw: unknown,
	now: Date = new Date()
): Promise<LotTradeTermsView> {
	const caller = principalOrThrow(p);
	const input = parse(LotTermsInput, raw);
	// kept in the order sent: the refusals name the index the caller used
	const breaks = input.priceBreaks;
	return db().transaction(async (tx) => {
		const lot = await ownedLot(caller, lotId, tx);
		const policy = currentPolicy();
		const errors = validatePriceBreaks(lot, breaks, policy, policy.trade);
		if (errors.length) {
			const issues = errors.map(issueOf);
			const first = issues[0]!;
			throw new AppError('rule', 'rule_violation', first.message, {
				field: first.field,
				params: first.params,
				issues: issues.length > 1 ? issues : undefined
			});
		}
		const values = {
			step: input.step,
			piecesPerCarton: input.piecesPerCarton,
			priceBreaks: breaks,
			...(input.samples
				? {
						samplesEnabled: input.samples.enabled,
						samplePriceFen: input.samples.priceFen,
						samplePiecesMax: input.samples.piecesMax
					}
				: {}),
			updatedAt: now
		};
		const [row] = await tx
			.insert(tradeLotTerms)
			.values({ lotId: lot.id, ...values })
			.onConflictDoUpdate({ target: tradeLotTerms.lotId, set: values })
			.returning();
		return view(lot, row);
	});
}
