// What of each order line belongs to the order's replacements (issue 20; replacements.ts): every
// other release of the order (acceptance, the automatic one, a dispute's filing) leaves it alone.
// A leaf (no trade imports) so that transition.ts and replacements.ts can both read it.
import { eq } from 'drizzle-orm';
import { replacementShares } from '$lib/domain/trade/replacement';
import type { DbOrTx } from '../db';
import { tradeReplacementLines, tradeReplacements } from '../db/schema';

/** Σ escrow per order line that belongs to the order's replacements (any state). */
export async function replacementSharesOf(
	tx: DbOrTx,
	orderId: string
): Promise<Map<string, number>> {
	const rows = await tx
		.select({ lineId: tradeReplacementLines.lineId, heldFen: tradeReplacementLines.heldFen })
		.from(tradeReplacementLines)
		.innerJoin(tradeReplacements, eq(tradeReplacements.id, tradeReplacementLines.replacementId))
		.where(eq(tradeReplacements.orderId, orderId));
	return replacementShares(rows);
}
