// The sample credit at checkout (issue 19; docs/TRADE.md "Samples: the service"): a bulk line of a
// lot the buyer has approved samples of, within the credit's validity and at or above the lot's
// MOQ, gets the sample fee credited once. Read by checkout's batch before its transaction (one
// indexed query for the batch's buyers: their approved, unused samples), the offers decided in
// memory under the lots' locks, then one conditional update
// (`credit_used_by is null`) that marks each credit used by its order, so racing checkouts on
// other nodes credit it once; the postings (`sample_credit`) go in the same transaction.
import { sql } from 'drizzle-orm';
import type { CartLot } from '$lib/domain/trade/cart';
import type { CreditOffer, TradeOrderDraft } from '$lib/domain/trade/checkout';
import { openEscrow } from '$lib/domain/trade/escrow';
import { pickCredit, type SampleForCredit } from '$lib/domain/trade/samples';
import type { TradePolicy } from '$lib/domain/trade/policy';
import { execRows, uuidArray, type DbOrTx, type Tx } from '../db';
import { publishInTx } from '../events/bus';

interface Row extends Record<string, unknown> {
	id: string;
	buyer_org_id: string;
	lot_id: string;
	state: SampleForCredit['state'];
	fee_fen: number | string;
	approved_at: string | Date | null;
}

/** The batch's candidate credits: approved, unused samples of the buyers on the lines' lots. */
export class SampleCredits {
	private readonly byBuyer = new Map<string, SampleForCredit[]>();
	/** Credits taken by earlier checkouts of the batch. */
	private readonly used = new Set<string>();

	static async load(db: DbOrTx, buyerOrgIds: readonly string[]): Promise<SampleCredits> {
		const out = new SampleCredits();
		if (buyerOrgIds.length === 0) return out;
		const rows = await execRows<Row>(
			sql`select s.id, s.buyer_org_id, s.lot_id, s.state, s.fee_fen, s.approved_at
				from trade_samples s
				where s.buyer_org_id = any(${uuidArray(buyerOrgIds)})
					and s.state in ('approved', 'auto_approved') and s.credit_used_by is null`,
			db
		);
		for (const r of rows) {
			const list = out.byBuyer.get(r.buyer_org_id) ?? [];
			list.push({
				sampleId: r.id,
				buyerOrgId: r.buyer_org_id,
				lotId: r.lot_id,
				state: r.state,
				feeFen: Number(r.fee_fen),
				approvedAt: r.approved_at ? new Date(r.approved_at) : null,
				creditUsedBy: null
			});
			out.byBuyer.set(r.buyer_org_id, list);
		}
		return out;
	}

	/** The offers for a checkout's lines (domain `pickCredit`: eligible, earliest-expiring). */
	offers(
		buyerOrgId: string,
		lines: readonly { index: number; lotId: string; quantity: number }[],
		lots: ReadonlyMap<string, Pick<CartLot, 'moq'>>,
		now: Date,
		policy: TradePolicy
	): CreditOffer[] {
		const mine = (this.byBuyer.get(buyerOrgId) ?? []).filter((s) => !this.used.has(s.sampleId));
		if (mine.length === 0) return [];
		const out: CreditOffer[] = [];
		for (const l of lines) {
			const pick = pickCredit(
				mine,
				{
					buyerOrgId,
					lotId: l.lotId,
					quantity: l.quantity,
					lotMoq: lots.get(l.lotId)?.moq ?? Number.MAX_SAFE_INTEGER,
					lineIndex: l.index
				},
				now,
				policy
			);
			if (pick) out.push({ sampleId: pick.sampleId, lotId: l.lotId, amountFen: pick.amountFen });
		}
		return out;
	}

	/** A checkout of the batch was decided with these orders: their credits are taken. */
	take(orders: readonly Pick<TradeOrderDraft, 'credits'>[]): void {
		for (const o of orders) for (const c of o.credits) this.used.add(c.sampleId);
	}
}

/** The credit of a draft's line (its lot's credits on that order). */
export function lineCredit(draft: Pick<TradeOrderDraft, 'credits'>, lotId: string): number {
	return draft.credits.filter((c) => c.lotId === lotId).reduce((s, c) => s + c.amountFen, 0);
}

/**
 * Marks the batch's credits used by their orders (conditional: still approved and unused), sets
 * the orders' sealed reference, and posts each order's `sample_credit` (supplier_payable +credit,
 * escrow −credit on the lot's line). False when a credit was taken meanwhile: the caller rolls
 * the batch back (the lots' row locks make that a should-never-happen).
 */
export async function applySampleCredits(
	tx: Tx,
	orders: readonly {
		id: string;
		buyerOrgId: string;
		feeBp: number;
		draft: TradeOrderDraft;
		lines: readonly { id: string; l: TradeOrderDraft['lines'][number] }[];
		now: Date;
	}[]
): Promise<boolean> {
	const marks = orders.flatMap((o) =>
		o.draft.credits.map((c) => ({ sample: c.sampleId, order: o.id, at: o.now.toISOString() }))
	);
	if (marks.length === 0) return true;
	const [res] = await execRows<{ n: number | string }>(
		sql`with x as (
				select * from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb)
					as x(sample uuid, "order" uuid, at timestamptz)
			), u as (
				update trade_samples s set credit_used_by = x."order", updated_at = x.at
				from x where s.id = x.sample and s.credit_used_by is null
					and s.state in ('approved', 'auto_approved')
				returning s.id, x."order"
			), o as (
				update trade_orders t set sealed_sample_id = u.id
				from u where t.id = u."order" and t.sealed_sample_id is null
				returning t.id
			)
			select (select count(*) from u) as n`,
		tx
	);
	if (Number(res?.n ?? 0) !== marks.length) return false;
	for (const o of orders) {
		if (o.draft.creditFen <= 0) continue;
		const { credit } = openEscrow(
			{ orderId: o.id, supplierOrgId: o.draft.supplierId, feeBp: o.feeBp },
			o.lines.map(({ id, l }) => ({
				itemId: id,
				lotId: l.lotId,
				kind: 'goods' as const,
				amountFen: l.lineFen,
				creditFen: lineCredit(o.draft, l.lotId)
			}))
		);
		await publishInTx(tx, 'trade.money', {
			kind: 'sample_credit',
			key: `trade:${o.id}:sample-credit`,
			at: o.now,
			orderId: o.id,
			buyerOrgId: o.buyerOrgId,
			supplierId: o.draft.supplierId,
			memo: o.draft.credits.map((c) => c.sampleId).join(','),
			postings: credit
		});
	}
	return true;
}
