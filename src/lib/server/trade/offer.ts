// What a buyer reads of a lot's wholesale terms on the catalog's lot page, beside the
// lot itself: the quantity step, carton size and price breaks the supplier set (trade_lot_terms,
// written by terms.ts), the smallest quantity that can be ordered and the policy's packaging fees.
// Read-only; the caller has already been allowed to see the lot (catalog getLot).
import { eq } from 'drizzle-orm';
import { minimumQuantity } from '$lib/domain/trade/cart';
import type { PackagingOption } from '$lib/domain/trade/policy';
import { db } from '../db';
import { tradeLotTerms } from '../db/schema';
import { currentPolicy } from '../platform/policy';

export interface LotOffer {
	step: number;
	piecesPerCarton: number;
	priceBreaks: { minQuantity: number; unitPriceFen: number }[];
	/** The MOQ rounded up to a whole step: what the quantity field starts at. */
	minimum: number;
	packagingFeeFen: Record<PackagingOption, number>;
	/** 混批: each supplier's lines in a cart add up to at least this. */
	mixedBatchMin: number;
}

/** The wholesale offer of a lot the caller may see (defaults when the supplier set no terms). */
export async function lotOffer(lot: { id: string; moq: number }): Promise<LotOffer> {
	const [terms] = await db()
		.select({
			step: tradeLotTerms.step,
			piecesPerCarton: tradeLotTerms.piecesPerCarton,
			priceBreaks: tradeLotTerms.priceBreaks
		})
		.from(tradeLotTerms)
		.where(eq(tradeLotTerms.lotId, lot.id))
		.limit(1);
	const step = terms?.step ?? 1;
	const policy = currentPolicy().trade;
	return {
		step,
		piecesPerCarton: terms?.piecesPerCarton ?? 1,
		priceBreaks: [...(terms?.priceBreaks ?? [])].sort((a, b) => a.minQuantity - b.minQuantity),
		minimum: minimumQuantity({ moq: lot.moq, step }),
		packagingFeeFen: { ...policy.cart.packagingFeeFen },
		mixedBatchMin: policy.cart.mixedBatchMinPieces
	};
}
